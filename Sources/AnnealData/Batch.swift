import AnnealTensor

/// One mini-batch: the inputs stacked along a new leading axis, their labels, and
/// which dataset samples they are (for per-sample reports and debugging).
public struct Batch: Sendable {
    /// Shape `[count] + sampleShape`.
    public var inputs: Tensor
    /// One per sample; -1 for unlabelled data. After Mixup/CutMix, still the
    /// label of the sample that was mixed into (what train accuracy counts).
    public var labels: [Int]
    /// Dataset indices of the samples, in batch order.
    public var indices: [Int]
    /// Class probabilities `[count, classCount]` when a batch transform mixed
    /// samples (Mixup, CutMix), else nil: train against these when present.
    public var targets: Tensor?

    /// A batch of `inputs` (`[count] + sampleShape`) with one label (-1: none) and one
    /// dataset index per sample; `targets` only when a batch transform mixed samples.
    public init(inputs: Tensor, labels: [Int], indices: [Int], targets: Tensor? = nil) {
        self.inputs = inputs
        self.labels = labels
        self.indices = indices
        self.targets = targets
    }

    /// Number of samples (the last batch of an epoch may be short).
    public var count: Int { indices.count }

    /// `targets`, or the one-hot encoding of `labels` when there are none.
    public func probabilityTargets(classCount: Int) -> Tensor {
        if let targets { return targets }
        return Tensor(oneHotValues(classCount: classCount), shape: [count, classCount])
    }

    /// Row-major one-hot rows of the labels (unlabelled rows stay zero).
    func oneHotValues(classCount: Int) -> [Float] {
        var values = [Float](repeating: 0, count: count * classCount)
        for (row, label) in labels.enumerated() where label >= 0 && label < classCount { values[row * classCount + label] = 1 }
        return values
    }
}
