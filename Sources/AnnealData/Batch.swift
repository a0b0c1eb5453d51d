import AnnealTensor

/// One mini-batch: the inputs stacked along a new leading axis, their labels, and
/// which dataset samples they are (for per-sample reports and debugging).
public struct Batch: Sendable {
    /// Shape `[count] + sampleShape`.
    public var inputs: Tensor
    /// One per sample; -1 for unlabelled data.
    public var labels: [Int]
    /// Dataset indices of the samples, in batch order.
    public var indices: [Int]

    public init(inputs: Tensor, labels: [Int], indices: [Int]) {
        self.inputs = inputs
        self.labels = labels
        self.indices = indices
    }

    /// Number of samples (the last batch of an epoch may be short).
    public var count: Int { indices.count }
}
