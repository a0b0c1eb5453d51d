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
        guard isTraining else {
            let (rows, columns) = evaluationRegions(height: h, width: w)
            return input.fractionalMaxPool2d(rows: rows, columns: columns, overlapping: overlapping)
        }
        var draw = generator
        let rows = FractionalPooling.boundaries(input: h, output: outputSize(h), pseudoRandom: pseudoRandom, using: &draw)
        let columns = FractionalPooling.boundaries(input: w, output: outputSize(w), pseudoRandom: pseudoRandom, using: &draw)
        generator = draw
        return input.fractionalMaxPool2d(rows: rows, columns: columns, overlapping: overlapping)
    }

    /// The region boundaries of evaluation mode for an `height × width` input: one
    /// fixed pseudo-random sequence (what an exported model bakes in).
    public func evaluationRegions(height: Int, width: Int) -> (rows: [Int], columns: [Int]) {
        var draw = RandomGenerator(seed: 0x5EED)
        let rows = FractionalPooling.boundaries(input: height, output: outputSize(height), pseudoRandom: true, using: &draw)
        let columns = FractionalPooling.boundaries(input: width, output: outputSize(width), pseudoRandom: true, using: &draw)
        return (rows, columns)
    }
}
