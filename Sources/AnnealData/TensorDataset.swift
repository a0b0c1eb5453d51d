import AnnealTensor

/// A dataset held in memory: all samples in one contiguous tensor `[N, ...]` (so a
/// sample is one `memcpy`) and, unless unlabelled, one class label per sample.
public struct TensorDataset: Dataset {
    /// All samples, shape `[count] + sampleShape`.
    public let samples: Tensor
    /// One label per sample, or nil for an unlabelled dataset.
    public let labels: [Int]?
    public let classCount: Int
    public let sampleShape: [Int]

    /// A labelled dataset. `classCount` defaults to the largest label + 1.
    /// Throws when `samples` has no sample axis, the label count differs from
    /// `samples.shape[0]`, or a label lies outside `0..<classCount`.
    public init(samples: Tensor, labels: [Int], classCount: Int? = nil) throws(DatasetError) {
        guard let n = samples.shape.first else {
            throw DatasetError("dataset samples need a leading sample axis, got a scalar tensor")
        }
        guard labels.count == n else {
            throw DatasetError("dataset has \(n) samples but \(labels.count) labels")
        }
        let classes = classCount ?? ((labels.max() ?? -1) + 1)
        guard classes >= 1 || (n == 0 && classes == 0) else {
            throw DatasetError("dataset class count must be at least 1, got \(classes)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw DatasetError("label \(labels[bad]) of sample \(bad) is outside 0..<\(classes)")
        }
        self.init(samples: samples, checkedLabels: labels, classCount: classes)
    }

    /// An unlabelled dataset (images to predict): `label(at:)` returns -1.
    public init(unlabelled samples: Tensor) {
        precondition(samples.rank >= 1, "TensorDataset(unlabelled:): samples need a leading sample axis, got a scalar tensor")
        self.init(samples: samples, checkedLabels: nil, classCount: 0)
    }

    private init(samples: Tensor, checkedLabels: [Int]?, classCount: Int) {
        self.samples = samples
        self.labels = checkedLabels
        self.classCount = classCount
        self.sampleShape = Array(samples.shape.dropFirst())
    }

    public var count: Int { samples.shape[0] }
    public var hasLabels: Bool { labels != nil }

    public func label(at index: Int) -> Int {
        precondition(index >= 0 && index < count, "TensorDataset.label(at:): index \(index) out of range 0..<\(count)")
        return labels?[index] ?? -1
    }

    public func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(index >= 0 && index < count, "TensorDataset.copySample: index \(index) out of range 0..<\(count)")
        let size = sampleSize
        precondition(destination.count == size, "TensorDataset.copySample: destination holds \(destination.count) floats, a sample of shape \(sampleShape) has \(size)")
        guard size > 0 else { return }
        samples.withUnsafeBufferPointer { source in
            destination.baseAddress!.update(from: source.baseAddress! + index * size, count: size)
        }
    }

    /// The samples at `indices`, in that order (repeats allowed), copied into a new
    /// contiguous dataset so the original can be released.
    public func subset(_ indices: [Int]) -> TensorDataset {
        let size = sampleSize
        var gathered = Tensor.zeros([indices.count] + sampleShape)
        if size > 0 {
            samples.withUnsafeBufferPointer { source in
                gathered.withUnsafeMutableBufferPointer { target in
                    for (row, index) in indices.enumerated() {
                        precondition(index >= 0 && index < count, "TensorDataset.subset: index \(index) out of range 0..<\(count)")
                        (target.baseAddress! + row * size).update(from: source.baseAddress! + index * size, count: size)
                    }
                }
            }
        }
        return TensorDataset(samples: gathered, checkedLabels: labels.map { all in indices.map { all[$0] } },
                             classCount: classCount)
    }

    /// The first `n` samples (all of them when `n >= count`), as `--train-subset N`.
    public func prefix(_ n: Int) -> TensorDataset {
        precondition(n >= 0, "TensorDataset.prefix: negative count \(n)")
        if n >= count { return self }
        return subset(Array(0..<n))
    }

    /// Holds out a random `validationFraction` of the samples (rounded to whole
    /// samples). The choice depends on `seed` only; both parts keep the original order.
    public func split(validationFraction: Double, seed: UInt64) -> (train: TensorDataset, validation: TensorDataset) {
        precondition(validationFraction >= 0 && validationFraction <= 1,
                     "TensorDataset.split: validationFraction \(validationFraction) is outside 0...1")
        let held = Int((Double(count) * validationFraction).rounded())
        // Its own stream, so a loader seeded with the same value shuffles independently.
        var generator = RandomGenerator(seed: seed, stream: Self.splitStream)
        let order = generator.permutation(count)
        return (subset(order[held...].sorted()), subset(order[..<held].sorted()))
    }

    static let splitStream: UInt64 = 0x5350_4C54   // "SPLT"
}
