import AnnealTensor

/// Spatial dropout (Tompson et al. 2015) for feature maps [N, C, H, W]: while
/// training, drops whole channels — one Bernoulli draw per (sample, channel),
/// broadcast over H×W — and scales kept channels by 1/(1−p). Neighbouring
/// pixels of a map are strongly correlated, so elementwise dropout on them
/// barely regularizes; dropping the whole map does.
public final class Dropout2d: DropoutLayer {
    /// Spatial dropout with drop probability `probability` (default 0.5); nil
    /// `generator`: a fresh one from `GlobalRandom`.
    public init(_ probability: Float = 0.5, generator: RandomGenerator? = nil) {
        super.init(probability: probability, generator: generator)
    }

    /// Requires [N, C, H, W] input (in every mode), then drops channels while
    /// training; otherwise returns the input unchanged.
    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4, "Dropout2d: expects [N, C, H, W], got \(input.shape)")
        return super.forward(input)
    }

    /// x·m/(1 − p) with one m ~ Bernoulli(1 − p) per (sample, channel), broadcast over H × W.
    public override func drop(_ input: Tensor) -> Tensor {
        let keep = 1 - probability
        return input * (Tensor.bernoulli([input.shape[0], input.shape[1], 1, 1], p: keep, using: &generator) * (1 / keep))
    }
}
