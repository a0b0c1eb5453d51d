import AnnealTensor

/// Fractional max pooling (Graham 2014): shrinks feature maps by a non-integer
/// ratio (default √2), drawing new pooling regions on every training pass — a
/// regularizer as well as a downsampler. Evaluation uses one fixed pseudorandom
/// region sequence so predictions are deterministic.
public final class FractionalMaxPool2d: Module {
    /// α > 1, the factor by which each spatial axis shrinks (default √2).
    public let ratio: Double
    /// Whether training regions follow Graham's pseudorandom sequence (one random
    /// offset per axis) rather than a random order of region sizes ⌊n/out⌋ and ⌈n/out⌉.
    public let pseudoRandom: Bool
    /// Whether each region also takes the row and column after it (Graham's overlapping variant).
    public let overlapping: Bool
    var generator: RandomGenerator

    /// Fractional max pooling by `ratio`.
    /// - Parameters:
    ///   - ratio: α > 1; each axis of length n pools to ⌊n/α⌋ (at least 1).
    ///   - pseudoRandom: Pseudorandom region sequences while training, else random ones.
    ///   - overlapping: Whether regions overlap by one row and column.
    ///   - generator: The stream of training-mode regions; nil: a fresh one from `GlobalRandom`.
    public init(ratio: Double = 2.0.squareRoot(), pseudoRandom: Bool = true, overlapping: Bool = true, generator: RandomGenerator? = nil) {
        precondition(ratio > 1, "FractionalMaxPool2d: ratio \(ratio) must exceed 1")
        self.ratio = ratio
        self.pseudoRandom = pseudoRandom
        self.overlapping = overlapping
        self.generator = generator ?? GlobalRandom.makeGenerator()
    }

    /// Output size of an axis of length n: ⌊n / ratio⌋ (at least 1).
    public func outputSize(_ n: Int) -> Int { Swift.max(1, Int(Double(n) / ratio)) }

    /// The max over each region of [N, C, H, W] input: [N, C, ⌊H/α⌋, ⌊W/α⌋], with new
    /// random regions on every training pass and `evaluationRegions` otherwise.
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
