import AnnealTensor

/// Fractional max pooling (Graham 2014): shrinks feature maps by a non-integer
/// ratio (default √2), drawing new pooling regions on every training pass — a
/// regularizer as well as a downsampler. Evaluation uses one fixed pseudorandom
/// region sequence so predictions are deterministic.
public final class FractionalMaxPool2d: Module {
    public let ratio: Double
    public let pseudoRandom: Bool
    public let overlapping: Bool
    var generator: RandomGenerator

    public init(ratio: Double = 2.0.squareRoot(), pseudoRandom: Bool = true, overlapping: Bool = true, generator: RandomGenerator? = nil) {
        precondition(ratio > 1, "FractionalMaxPool2d: ratio \(ratio) must exceed 1")
        self.ratio = ratio
        self.pseudoRandom = pseudoRandom
        self.overlapping = overlapping
        self.generator = generator ?? GlobalRandom.makeGenerator()
    }

    /// Output size of an axis of length n: ⌊n / ratio⌋ (at least 1).
    public func outputSize(_ n: Int) -> Int { Swift.max(1, Int(Double(n) / ratio)) }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4, "FractionalMaxPool2d: expects [N, C, H, W], got \(input.shape)")
        let (h, w) = (input.shape[2], input.shape[3])
        var draw = isTraining ? generator : RandomGenerator(seed: 0x5EED)
        let rows = FractionalPooling.boundaries(input: h, output: outputSize(h), pseudoRandom: isTraining ? pseudoRandom : true, using: &draw)
        let columns = FractionalPooling.boundaries(input: w, output: outputSize(w), pseudoRandom: isTraining ? pseudoRandom : true, using: &draw)
        if isTraining { generator = draw }
        return input.fractionalMaxPool2d(rows: rows, columns: columns, overlapping: overlapping)
    }
}
