import AnnealNN
import AnnealTensor

/// Data parallelism's one exchange per step: after backward, every trainable
/// parameter's gradient is summed over the ranks in buckets of at most
/// `bucketBytes` and divided by the number of ranks, so the optimizer on every rank
/// sees the gradient of the mean loss over the global batch, as one process with
/// the ranks' batches together would. First among the callbacks that read
/// gradients (the NaN guard, clipping), so they all see the same values on every rank.
public final class GradientAllReduce: TrainingCallback {
    public let group: any ProcessGroup
    public let bucketBytes: Int
    /// Seconds spent in all-reduce (after backward, waiting for the other ranks included).
    public private(set) var communicationSeconds: Double = 0

    public init(group: any ProcessGroup, bucketBytes: Int = 25 << 20) {
        precondition(bucketBytes >= 4, "GradientAllReduce: bucket of \(bucketBytes) bytes")
        self.group = group
        self.bucketBytes = bucketBytes
    }

    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        guard group.isDistributed else { return }
        switch event {
        case .afterBackward:
            let clock = ContinuousClock(), started = clock.now
            try reduce(trainer.model.trainableParameters)
            communicationSeconds += (clock.now - started).seconds
        case .stepsEnd:
            // Batch norm's running statistics differ by rank; evaluate and save rank 0's (as PyTorch's DDP).
            try Self.broadcastBuffers(of: trainer.model, in: group)
        default:
            break
        }
    }

    /// Averages the gradients of `parameters` (the same list, in the same order, on every rank).
    public func reduce(_ parameters: [Parameter]) throws {
        guard group.isDistributed else { return }
        // Which parameters got a gradient on any rank (stochastic depth may skip one on some).
        var present = parameters.map { $0.grad == nil ? 0.0 : 1.0 }
        try group.allReduceSum(&present)
        let scale = 1 / Float(group.size)
        var start = 0
        while start < parameters.count {
            // A bucket: parameters from `start` while they fit (at least one).
            var end = start, floats = 0
            while end < parameters.count && (end == start || (floats + parameters[end].value.count) * 4 <= bucketBytes) {
                floats += parameters[end].value.count
                end += 1
            }
            var bucket = [Float](repeating: 0, count: floats)
            bucket.withUnsafeMutableBufferPointer { target in
                var offset = 0
                for p in parameters[start..<end] {
                    p.grad?.withUnsafeBufferPointer { (target.baseAddress! + offset).update(from: $0.baseAddress!, count: $0.count) }
                    offset += p.value.count
                }
            }
            try bucket.withUnsafeMutableBufferPointer { buffer in
                try group.allReduceSum(buffer)
                for i in buffer.indices { buffer[i] *= scale }
            }
            var offset = 0
            for (i, p) in zip(start..<end, parameters[start..<end]) {
                let n = p.value.count
                if present[i] > 0 { p.value.grad = Tensor(Array(bucket[offset..<(offset + n)]), shape: p.shape) }
                offset += n
            }
            start = end
        }
    }

    /// Makes every rank's parameters and buffers (batch-norm statistics) rank 0's.
    public static func broadcastState(of model: Module, in group: any ProcessGroup) throws {
        guard group.isDistributed else { return }
        for p in model.parameters {
            var values = p.value.scalars
            try values.withUnsafeMutableBufferPointer { try group.broadcast($0, from: 0) }
            p.assign(Tensor(values, shape: p.shape))
        }
        try broadcastBuffers(of: model, in: group)
    }

    static func broadcastBuffers(of model: Module, in group: any ProcessGroup) throws {
        for (_, buffer) in model.namedBuffers() {
            var values = buffer.value.scalars
            try values.withUnsafeMutableBufferPointer { try group.broadcast($0, from: 0) }
            buffer.value = Tensor(values, shape: buffer.value.shape)
        }
    }
}
