/// Per-sample augmentations applied one after another, each with its own
/// probability and its own random stream (stage `i` of the pipeline draws
/// from stream `i`), so adding a stage never changes what earlier stages do.
public struct AugmentationPipeline: Sendable, CustomStringConvertible {
    /// The augmentations in the order they run; stage `i` draws from random stream `i`.
    public var stages: [any Augmentation]

    /// A pipeline running `stages` in order (none by default).
    public init(_ stages: [any Augmentation] = []) { self.stages = stages }

    /// Whether there are no stages (samples pass through unchanged).
    public var isEmpty: Bool { stages.isEmpty }

    /// The stages' descriptions joined by ", ", or "none".
    public var description: String { stages.isEmpty ? "none" : stages.map(\.description).joined(separator: ", ") }

    /// Augments `image` in place for sample `index` of epoch `epoch`.
    /// `scratch` must hold at least `image.scratchCount` floats.
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, seed: UInt64, epoch: Int, index: Int) {
        for (stage, augmentation) in stages.enumerated() {
            var random = SampleRandom(seed: seed, epoch: epoch, index: index, stage: stage)
            guard random.chance(augmentation.probability) else { continue }
            augmentation.apply(to: image, scratch: scratch, random: &random)
        }
    }

    /// The same, allocating its own scratch (tests, previews).
    public func apply(to image: ImageView, seed: UInt64, epoch: Int, index: Int) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: image.scratchCount) { scratch in
            apply(to: image, scratch: scratch.baseAddress!, seed: seed, epoch: epoch, index: index)
        }
    }
}
