import AnnealTensor

/// A dataset held in memory: all samples in one contiguous tensor `[N, ...]` (so a
/// sample is one `memcpy`) and, unless unlabelled, one class label per sample.
public struct TensorDataset: Dataset {
    /// All samples, shape `[count] + sampleShape`.
    public let samples: Tensor
    /// One label per sample, or nil for an unlabelled dataset.
    public let labels: [Int]?
    /// Number of classes; labels lie in `0..<classCount` (0 for an unlabelled dataset).
    public let classCount: Int
    /// Shape of one sample: `samples.shape` without its leading sample axis.
    public let sampleShape: [Int]
    /// The classes' names (a folder's subfolders, CIFAR-10's meta file), when known.
    public var classNames: [String]?

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

    /// Every sample of `dataset` copied into memory (with its labels and class names).
    public init(copying dataset: any Dataset) {
        var samples = Tensor.zeros([dataset.count] + dataset.sampleShape)
        let size = dataset.sampleSize
        if size > 0 {
            samples.withUnsafeMutableBufferPointer { target in
                for i in 0..<dataset.count {
                    dataset.copySample(at: i, into: UnsafeMutableBufferPointer(rebasing: target[i * size ..< (i + 1) * size]))
                }
            }
        }
        self.init(samples: samples, checkedLabels: dataset.hasLabels ? (0..<dataset.count).map(dataset.label(at:)) : nil,
                  classCount: dataset.classCount)
        classNames = dataset.classNames
    }

    /// Number of samples (`samples.shape[0]`).
    public var count: Int { samples.shape[0] }
    /// False for a dataset made with `init(unlabelled:)`.
    public var hasLabels: Bool { labels != nil }

    /// The label of sample `index`, or -1 when unlabelled; traps when `index` is out of range.
    public func label(at index: Int) -> Int {
        precondition(index >= 0 && index < count, "TensorDataset.label(at:): index \(index) out of range 0..<\(count)")
        return labels?[index] ?? -1
    }

    /// Copies sample `index` out of `samples`; traps when `index` is out of range or
    /// `destination` does not hold exactly `sampleSize` floats.
    public func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        precondition(index >= 0 && index < count, "TensorDataset.copySample: index \(index) out of range 0..<\(count)")
        let size = sampleSize
        precondition(destination.count == size, "TensorDataset.copySample: destination holds \(destination.count) floats, a sample of shape \(sampleShape) has \(size)")
        guard size > 0 else { return }
        samples.withUnsafeBufferPointer { source in
            destination.baseAddress!.update(from: source.baseAddress! + index * size, count: size)
        }
    }
}
