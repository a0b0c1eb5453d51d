/// A random transform of a whole batch (Mixup, CutMix) that may set
/// probability `targets`. The loader applies it after assembling batch `i` of
/// epoch `e`, with randomness drawn from (seed, e, i) only, so a batch stays a
/// pure function of its position and prefetching threads change nothing.
public protocol BatchTransform: Sendable, CustomStringConvertible {
    func apply(to batch: inout Batch, classCount: Int, random: inout SampleRandom)
}

/// Applies one of several batch transforms, chosen uniformly per batch (timm's
/// Mixup/CutMix switch).
public struct BatchTransformChoice: BatchTransform {
    public var options: [any BatchTransform]

    public init(_ options: [any BatchTransform]) {
        precondition(!options.isEmpty, "BatchTransformChoice: needs at least one transform")
        self.options = options
    }

    public func apply(to batch: inout Batch, classCount: Int, random: inout SampleRandom) {
        options[random.int(below: options.count)].apply(to: &batch, classCount: classCount, random: &random)
    }

    public var description: String { "one of (" + options.map(\.description).joined(separator: ", ") + ")" }
}
