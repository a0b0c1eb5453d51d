/// A random transform of a whole batch (Mixup, CutMix) that may set
/// probability `targets`. The loader applies it after assembling batch `i` of
/// epoch `e`, with randomness drawn from (seed, e, i) only, so a batch stays a
/// pure function of its position and prefetching threads change nothing.
public protocol BatchTransform: Sendable, CustomStringConvertible {
    /// Transforms `batch` in place and, when it mixes samples, sets `batch.targets`
    /// to `[count, classCount]` class probabilities; all randomness comes from `random`.
    func apply(to batch: inout Batch, classCount: Int, random: inout SampleRandom)
}

/// Applies one of several batch transforms, chosen uniformly per batch (timm's
/// Mixup/CutMix switch).
public struct BatchTransformChoice: BatchTransform {
    /// The transforms to choose from, each equally likely.
    public var options: [any BatchTransform]

    /// A choice among `options`; traps when it is empty.
    public init(_ options: [any BatchTransform]) {
        precondition(!options.isEmpty, "BatchTransformChoice: needs at least one transform")
        self.options = options
    }

    /// Applies one option, picked uniformly with `random`, to `batch`.
    public func apply(to batch: inout Batch, classCount: Int, random: inout SampleRandom) {
        options[random.int(below: options.count)].apply(to: &batch, classCount: classCount, random: &random)
    }

    /// `one of (…)` listing the options' descriptions.
    public var description: String { "one of (" + options.map(\.description).joined(separator: ", ") + ")" }
}
