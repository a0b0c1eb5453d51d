/// A dataset whose samples pass through an augmentation pipeline on the way
/// out. Wraps any `Dataset` of CHW images; labels, count and shape are the base's.
///
/// Sample `i` of epoch `e` is a pure function of (base sample, pipeline, seed,
/// e, i), so loaders may build batches on any thread in any order and training
/// reproduces exactly. The random streams are separate from the loader's
/// shuffle even when both use the same seed.
public struct AugmentedDataset: Dataset {
    /// The dataset whose samples are augmented.
    public let base: any Dataset
    /// The augmentations every sample read passes through.
    public let pipeline: AugmentationPipeline
    /// Seed of the augmentation's random streams.
    public let seed: UInt64

    /// Wraps `base`, whose samples must be CHW images (a 3-dimensional
    /// `sampleShape`; traps otherwise).
    public init(_ base: any Dataset, pipeline: AugmentationPipeline, seed: UInt64 = 0) {
        precondition(base.sampleShape.count == 3,
                     "AugmentedDataset: augmentations need CHW images, got sample shape \(base.sampleShape)")
        self.base = base
        self.pipeline = pipeline
        self.seed = seed
    }

    /// The base's number of samples.
    public var count: Int { base.count }
    /// The base's sample shape, `[C, H, W]` (augmentation keeps it).
    public var sampleShape: [Int] { base.sampleShape }
    /// The base's number of classes.
    public var classCount: Int { base.classCount }
    /// Whether the base has labels.
    public var hasLabels: Bool { base.hasLabels }
    /// The base's class names.
    public var classNames: [String]? { base.classNames }
    /// The base's label of sample `index` (augmentation never changes labels).
    public func label(at index: Int) -> Int { base.label(at: index) }

    /// Epoch 0's augmentation (the protocol's epoch-less read).
    public func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        copySample(at: index, epoch: 0, into: destination)
    }

    /// Reads base sample `index` for `epoch`, then runs the pipeline on it in place
    /// with random draws from (`seed`, `epoch`, `index`) only.
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
