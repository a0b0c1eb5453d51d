import AnnealNN
import AnnealTensor
import AnnealTraining

/// Data parallelism's one exchange per step: every trainable parameter's gradient
/// is summed over the ranks and divided by their number, so the optimizer on every
/// rank sees the gradient of the mean loss over the global batch, as one process
/// with the ranks' batches together would.
///
/// Gradients travel in buckets of at most `bucketBytes`, filled from the last layer
/// back (the order backward completes them). A bucket's non-blocking all-reduce
/// starts as soon as backward has completed all its gradients, while backward goes
/// on to earlier layers (PyTorch DDP's overlap); what is left starts when backward
/// ends. Buckets start in the same order on every rank, and each carries a flag per
/// parameter: a parameter that got no gradient on some rank (a residual branch
/// dropped by stochastic depth) counts as zero there, and stays without gradient
/// where no rank has one. First among the callbacks that read gradients
/// (the NaN guard, clipping), so they all see the same values on every rank.
public final class GradientAllReduce: TrainingCallback {
    /// The ranks whose gradients are averaged.
    public let group: any ProcessGroup
    /// The largest bucket, in bytes of gradient (4 per element; default 25 MiB);
    /// the first bucket is capped at 1 MiB.
    public let bucketBytes: Int
    /// Seconds from the end of backward until the averaged gradients are in place
    /// (waiting for the other ranks included): the communication not hidden.
    public private(set) var communicationSeconds: Double = 0
    /// Buckets whose all-reduce started while backward was running, and all buckets.
    public private(set) var bucketsOverlapped = 0, bucketsStarted = 0

    private var buckets: [Bucket] = []
    private var bucketedParameters: [ObjectIdentifier] = []
    private var nextToStart = 0
    private var failure: (any Error)?

    /// Parameters (in the order backward completes them) and their gradients, then one presence flag each.
    final class Bucket {
        let parameters: [Parameter]
        let buffer: UnsafeMutableBufferPointer<Float>
        var ready = 0
        var pending: (any PendingCollective)?

        init(_ parameters: [Parameter]) {
            self.parameters = parameters
            buffer = .allocate(capacity: parameters.reduce(parameters.count) { $0 + $1.value.count })
        }

        deinit { buffer.deallocate() }
    }

    /// Averages gradients over `group` in buckets of at most `bucketBytes` bytes (at least 4).
    public init(group: any ProcessGroup, bucketBytes: Int = 25 << 20) {
        precondition(bucketBytes >= 4, "GradientAllReduce: bucket of \(bucketBytes) bytes")
        self.group = group
        self.bucketBytes = bucketBytes
    }

    /// At `batchBegin`, runs `beginStep(_:overlapping:)` on the model's trainable
    /// parameters (overlapping unless gradients accumulate over several batches); at
    /// `afterBackward`, averages the gradients; at `stepsEnd`, gives every rank
    /// rank 0's buffers (batch-norm statistics). Does nothing in a group of one.
    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        guard group.isDistributed else { return }
        switch event {
        case .batchBegin:
            // With accumulation the gradients are complete only after the last batch's backward.
            beginStep(trainer.model.trainableParameters, overlapping: trainer.accumulationSteps == 1)
        case .afterBackward:
            try finishStep()
        case .stepsEnd:
            // Batch norm's running statistics differ by rank; evaluate and save rank 0's (as PyTorch's DDP).
            try Self.broadcastBuffers(of: trainer.model, in: group)
        default:
            break
        }
    }

    /// Averages the gradients of `parameters` now (the same list, in the same order, on every rank).
    public func reduce(_ parameters: [Parameter]) throws {
        beginStep(parameters, overlapping: false)
        try finishStep()
    }

    /// Before backward: `parameters` (the same list on every rank) will be averaged;
    /// with `overlapping`, each bucket starts as soon as backward completes it.
    public func beginStep(_ parameters: [Parameter], overlapping: Bool = true) {
        guard group.isDistributed else { return }
        let identities = parameters.map(ObjectIdentifier.init)
        if identities != bucketedParameters {
            buckets = Self.buckets(of: parameters.reversed(), bytes: bucketBytes)
            bucketedParameters = identities
        }
        nextToStart = 0
        for bucket in buckets {
            bucket.ready = 0
            bucket.pending = nil
            for parameter in bucket.parameters {
                parameter.value.whenGradientComplete(!overlapping ? nil : { [unowned self, unowned bucket] in
                    bucket.ready += 1
                    self.startReadyBuckets()
                })
            }
        }
    }

    /// After backward: starts the buckets still waiting, waits for all, and puts the averages in place.
    public func finishStep() throws {
        guard group.isDistributed else { return }
        let clock = ContinuousClock(), started = clock.now
        for bucket in buckets { for parameter in bucket.parameters { parameter.value.whenGradientComplete(nil) } }
        if let failure {
            self.failure = nil
            throw failure
        }
        while nextToStart < buckets.count { try start(buckets[nextToStart]) }
        let scale = 1 / Float(group.size)
        for bucket in buckets {
            try bucket.pending!.wait()
            var offset = 0
            let flags = bucket.buffer.count - bucket.parameters.count
            for (i, parameter) in bucket.parameters.enumerated() {
                let n = parameter.value.count
                if bucket.buffer[flags + i] > 0 {
                    let sum = UnsafeBufferPointer(rebasing: bucket.buffer[offset..<(offset + n)])
                    parameter.value.grad = Tensor(sum.map { $0 * scale }, shape: parameter.shape)
                }
                offset += n
            }
        }
        communicationSeconds += (clock.now - started).seconds
    }

    /// During backward: starts, in order, every bucket whose gradients are complete,
    /// and lets the earlier ones progress.
    private func startReadyBuckets() {
        do {
            while nextToStart < buckets.count && buckets[nextToStart].ready == buckets[nextToStart].parameters.count {
                bucketsOverlapped += 1
                try start(buckets[nextToStart])
            }
            if let oldest = buckets[..<nextToStart].first(where: { $0.pending != nil }) { _ = try oldest.pending!.test() }
        } catch {
            // Backward cannot throw: the error ends the step in finishStep.
            failure = failure ?? error
        }
    }

    private func start(_ bucket: Bucket) throws {
        var offset = 0
        let flags = bucket.buffer.count - bucket.parameters.count
        for (i, parameter) in bucket.parameters.enumerated() {
            let n = parameter.value.count
            if let gradient = parameter.grad {
                gradient.withUnsafeBufferPointer { (bucket.buffer.baseAddress! + offset).update(from: $0.baseAddress!, count: n) }
                bucket.buffer[flags + i] = 1
            } else {
                (bucket.buffer.baseAddress! + offset).update(repeating: 0, count: n)
                bucket.buffer[flags + i] = 0
            }
            offset += n
        }
        bucket.pending = try group.startAllReduceSum(bucket.buffer)
        nextToStart += 1
        bucketsStarted += 1
    }

    /// Consecutive runs of `parameters` of at most `bytes` each (at least one
    /// parameter); the first at most 1 MiB, as PyTorch's DDP, so it starts early in backward.
    static func buckets(of parameters: [Parameter], bytes: Int) -> [Bucket] {
        var result: [Bucket] = [], current: [Parameter] = [], floats = 0
        for parameter in parameters {
            let limit = result.isEmpty ? min(bytes, 1 << 20) : bytes
            if !current.isEmpty && (floats + parameter.value.count) * 4 > limit {
                result.append(Bucket(current))
                current = []
                floats = 0
            }
            current.append(parameter)
            floats += parameter.value.count
        }
        if !current.isEmpty { result.append(Bucket(current)) }
        return result
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
