import AnnealTensor

/// Batch normalization over axis 1 (Ioffe & Szegedy 2015): batch statistics while
/// training, running averages (momentum as PyTorch: new = (1−m)·old + m·batch,
/// unbiased variance; nil momentum: the cumulative average of every batch since the
/// statistics were reset, as PyTorch's momentum=None) in evaluation, and also while
/// training once its scale and shift are frozen. Works for [N, C] (BatchNorm1d) and
/// [N, C, H, W] (BatchNorm2d) inputs; names match PyTorch's state dict.
public class BatchNorm: Module, ReLUFusing {
    /// The per-channel scale γ, [C] (starts at `initialScale`, default 1).
    public let weight: Parameter
    /// The per-channel shift β, [C] (starts at 0).
    public let bias: Parameter
    /// Running average of the batch means, [C] (starts at 0); normalizes in evaluation.
    public let runningMean: Buffer
    /// Running average of the unbiased batch variances, [C] (starts at 1); normalizes in evaluation.
    public let runningVar: Buffer
    /// The number of training batches folded into the running statistics (a scalar);
    /// sets each batch's weight when `momentum` is nil.
    public let numBatchesTracked: Buffer
    /// nil: cumulative average (used to recompute statistics after weight averaging).
    public var momentum: Float?
    /// Added to the variance before the square root (default 1e-5).
    public let epsilon: Float
    /// Synchronized batch norm (data parallelism): sums a per-channel tensor over
    /// the ranks, differentiably, so the batch statistics are the global batch's.
    /// nil: each process normalizes with its own batch.
    public var crossReplicaSum: ((Tensor) -> Tensor)?

    /// Batch norm over `features` channels, in training mode with fresh statistics.
    /// - Parameters:
    ///   - features: C, the size of the input's axis 1.
    ///   - momentum: The weight of each new batch in the running statistics (default 0.1);
    ///     nil: the cumulative average of every batch.
    ///   - epsilon: Added to the variance before the square root (default 1e-5).
    ///   - initialScale: The starting scale γ (0 starts a residual branch at zero).
    public init(_ features: Int, momentum: Float? = 0.1, epsilon: Float = 1e-5, initialScale: Float = 1) {
        weight = Parameter(.full(initialScale, shape: [features]))
        bias = Parameter(.zeros([features]))
        runningMean = Buffer(.zeros([features]))
        runningVar = Buffer(.ones([features]))
        numBatchesTracked = Buffer(.zeros([]))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// γ·(x − mean)/√(variance + ε) + β per channel of [N, C] or [N, C, H, W] input:
    /// with the batch's statistics while training (updating the running ones), with
    /// the running statistics in evaluation or once scale and shift are frozen.
    public override func forward(_ input: Tensor) -> Tensor { normalize(input, relu: false) }

    /// relu(forward(input)) in one pass over the data (not with synchronized statistics).
    public func forwardReLU(_ input: Tensor) -> Tensor { normalize(input, relu: true) }

    private func normalize(_ input: Tensor, relu fuseReLU: Bool) -> Tensor {
        precondition(input.rank >= 2 && input.shape[1] == weight.shape[0],
                     "\(type(of: self))(\(weight.shape[0])): input of shape \(input.shape) has no matching channel axis 1")
        // A frozen batch norm (a transferred backbone's) keeps its statistics too.
        guard isTraining && !(weight.isFrozen && bias.isFrozen) else {
            return Tensor.batchNorm(input, scale: weight.value, shift: bias.value, mean: runningMean.value,
                                    variance: runningVar.value, epsilon: epsilon, relu: fuseReLU)
        }
        if fuseReLU && crossReplicaSum != nil { return relu(normalize(input, relu: false)) }
        let (output, mean, variance, n) = crossReplicaSum.map { synchronizedStatistics(input, sum: $0) }
            ?? { let r = fuseReLU ? Tensor.batchNormReLU(input, scale: weight.value, shift: bias.value, epsilon: epsilon)
                                  : Tensor.batchNorm(input, scale: weight.value, shift: bias.value, epsilon: epsilon)
                 return (r.output, r.mean, r.variance, Float(input.count / input.shape[1])) }()
        withoutGrad {
            let momentum = self.momentum ?? 1 / (numBatchesTracked.value.item() + 1)
            runningMean.value = runningMean.value * (1 - momentum) + mean * momentum
            runningVar.value = runningVar.value * (1 - momentum) + variance * (momentum * n / Swift.max(n - 1, 1))
            numBatchesTracked.value = numBatchesTracked.value + 1
        }
        return output
    }

    /// Normalization with the statistics of every rank's batch together (two passes:
    /// the global mean, then the global mean squared deviation), built from
    /// differentiable ops so the gradient also flows through the other ranks' statistics.
    private func synchronizedStatistics(_ input: Tensor, sum: (Tensor) -> Tensor) -> (Tensor, Tensor, Tensor, Float) {
        let channels = input.shape[1]
        var shape = [Int](repeating: 1, count: input.rank)
        shape[1] = channels
        let localCount = Tensor.full(Float(input.count / channels), shape: [1])
        let count = withoutGrad { sum(localCount) }.item()
        let mean = sum(Self.channelSums(input)) / count
        let centered = input - mean.reshape(shape)
        let variance = sum(Self.channelSums(centered * centered)) / count
        let normalized = centered * rsqrt(variance + epsilon).reshape(shape)
        let output = normalized * weight.value.reshape(shape) + bias.value.reshape(shape)
        return (output, mean.detached(), variance.detached(), count)
    }

    /// Per-channel sums of `x` ([N, C, …] → [C]) accumulated in Double, as precise as
    /// the fused kernel's statistics (a Float running sum over 10⁵ values drifts by 10⁻⁵).
    static func channelSums(_ x: Tensor) -> Tensor {
        let n = x.shape[0], channels = x.shape[1], plane = x.count / max(1, n * channels)
        var sums = [Double](repeating: 0, count: channels)
        x.withUnsafeBufferPointer { values in
            for sample in 0..<n {
                for c in 0..<channels {
                    let base = (sample * channels + c) * plane
                    var s: Double = 0
                    for i in base..<(base + plane) { s += Double(values[i]) }
                    sums[c] += s
                }
            }
        }
        var shape = [Int](repeating: 1, count: x.rank)
        shape[1] = channels
        let inputShape = x.shape
        return Tensor(sums.map { Float($0) }, shape: [channels]).recorded(as: "channelSums", from: [x]) { gradient in
            [withoutGrad { Tensor.zeros(inputShape) + gradient.reshape(shape) }]
        }
    }

    /// Forgets the running statistics (mean 0, variance 1, no batches seen).
    public func resetRunningStatistics() {
        runningMean.value = .zeros(runningMean.value.shape)
        runningVar.value = .ones(runningVar.value.shape)
        numBatchesTracked.value = .zeros([])
    }
}

/// Batch normalization of [N, C] features.
public final class BatchNorm1d: BatchNorm {}

/// Batch normalization of [N, C, H, W] feature maps.
public final class BatchNorm2d: BatchNorm {}

/// Layer normalization over the trailing dimensions given by `shape`, with a
/// learned elementwise scale and shift (PyTorch's `weight`, `bias`).
public final class LayerNorm: Module {
    /// The elementwise scale, of the normalized shape (starts at 1).
    public let weight: Parameter
    /// The elementwise shift, of the normalized shape (starts at 0).
    public let bias: Parameter
    /// Added to the variance before the square root (default 1e-5).
    public let epsilon: Float

    /// Layer norm over the trailing dimensions `shape` (`[features]` for [N, features] input).
    public init(_ shape: [Int], epsilon: Float = 1e-5) {
        weight = Parameter(.ones(shape))
        bias = Parameter(.zeros(shape))
        self.epsilon = epsilon
    }

    /// (x − mean)/√(variance + ε) over the trailing dimensions of each sample (biased
    /// variance), times `weight` plus `bias`; the input must end in the normalized shape.
    public override func forward(_ input: Tensor) -> Tensor {
        let count = weight.shape.count
        precondition(Array(input.shape.suffix(count)) == weight.shape,
                     "LayerNorm(\(weight.shape)): input of shape \(input.shape) does not end in \(weight.shape)")
        return input.layerNorm(normalizedAxes: count, epsilon: epsilon) * weight.value + bias.value
    }
}
