import AnnealTensor

/// Labelled samples of one fixed shape, read one sample at a time.
///
/// A loader asks for single samples and copies them straight into its batch buffer,
/// so no batch or epoch ever copies the whole data set. Because a dataset is only
/// this small read interface, a wrapper (augmentation, a subset view, a cache) can
/// stand in for any dataset: it implements the same calls and forwards to its base.
///
/// Datasets are `Sendable` and read-only, so worker threads may read samples in
/// parallel (background prefetching).
public protocol Dataset: Sendable {
    /// Number of samples.
    var count: Int { get }
    /// Shape of one sample, e.g. `[1, 28, 28]`; a batch has shape `[B] + sampleShape`.
    var sampleShape: [Int] { get }
    /// Number of classes; labels lie in `0..<classCount`. 0 for unlabelled data.
    var classCount: Int { get }
    /// False for images without labels (e.g. `anneal predict --input FILE`).
    var hasLabels: Bool { get }
    /// The names of classes 0..<classCount, when the data names them.
    var classNames: [String]? { get }

    /// The class of sample `index`, or -1 when the dataset has no labels.
    func label(at index: Int) -> Int

    /// Writes sample `index` (row-major, `sampleShape`) into `destination`, which
    /// holds exactly `Shape.count(sampleShape)` floats.
    func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>)

    /// The same for training epoch `epoch`. Plain datasets ignore the epoch (the
    /// default forwards to `copySample(at:into:)`); random augmentation implements
    /// this to draw from (its seed, epoch, index) only, so results reproduce and do
    /// not depend on which thread assembles the batch. Loaders call this one.
    func copySample(at index: Int, epoch: Int, into destination: UnsafeMutableBufferPointer<Float>)
}

extension Dataset {
    /// True by default: a dataset is labelled unless it says otherwise.
    public var hasLabels: Bool { true }
    /// nil by default: the classes have no names.
    public var classNames: [String]? { nil }

    /// By default ignores `epoch` and reads through `copySample(at:into:)`.
    public func copySample(at index: Int, epoch: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        copySample(at: index, into: destination)
    }

    /// Floats per sample.
    public var sampleSize: Int { Shape.count(sampleShape) }

    /// Samples per class, `classCount` entries (labels outside the range are not counted).
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for i in 0..<count { let label = self.label(at: i); if counts.indices.contains(label) { counts[label] += 1 } }
        return counts
    }

    /// Sample `index` as a tensor of `sampleShape` (for inspection and previews;
    /// loaders copy into batches instead).
    public func sample(at index: Int, epoch: Int = 0) -> Tensor {
        var result = Tensor.zeros(sampleShape)
        result.withUnsafeMutableBufferPointer { copySample(at: index, epoch: epoch, into: $0) }
        return result
    }
}
