/// A dataset whose samples pass through an augmentation pipeline on the way
/// out. Wraps any `Dataset` of CHW images; labels, count and shape are the base's.
///
/// Sample `i` of epoch `e` is a pure function of (base sample, pipeline, seed,
/// e, i), so loaders may build batches on any thread in any order and training
/// reproduces exactly. The random streams are separate from the loader's
/// shuffle even when both use the same seed.
public struct AugmentedDataset: Dataset {
    public let base: any Dataset
    public let pipeline: AugmentationPipeline
    public let seed: UInt64

    public init(_ base: any Dataset, pipeline: AugmentationPipeline, seed: UInt64 = 0) {
        precondition(base.sampleShape.count == 3,
                     "AugmentedDataset: augmentations need CHW images, got sample shape \(base.sampleShape)")
        self.base = base
        self.pipeline = pipeline
        self.seed = seed
    }

    public var count: Int { base.count }
    public var sampleShape: [Int] { base.sampleShape }
    public var classCount: Int { base.classCount }
    public var hasLabels: Bool { base.hasLabels }
    public var classNames: [String]? { base.classNames }
    public func label(at index: Int) -> Int { base.label(at: index) }

    /// Epoch 0's augmentation (the protocol's epoch-less read).
    public func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        copySample(at: index, epoch: 0, into: destination)
    }

    public func copySample(at index: Int, epoch: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        base.copySample(at: index, epoch: epoch, into: destination)
        guard !pipeline.isEmpty, destination.count > 0 else { return }
        let shape = sampleShape
        let image = ImageView(pixels: destination.baseAddress!, channels: shape[0], height: shape[1], width: shape[2])
        // Small images: the scratch lives on the stack, so a sample allocates nothing.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: image.scratchCount) { scratch in
            pipeline.apply(to: image, scratch: scratch.baseAddress!, seed: seed, epoch: epoch, index: index)
        }
    }
}
