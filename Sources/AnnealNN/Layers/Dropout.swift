import AnnealTensor

/// What the dropout family shares: a drop probability in [0, 1), a random
/// stream of its own, and being the identity outside training mode (Monte Carlo
/// prediction switches it back on). Subclasses say how to drop, in `drop(_:)`.
open class DropoutLayer: Module, StochasticLayer {
    /// Probability of dropping each unit (each channel, for `Dropout2d`), in [0, 1).
    public let probability: Float
    var generator: RandomGenerator

    /// A layer dropping with `probability`, drawing from `generator` (nil: a fresh
    /// generator from `GlobalRandom`).
    public init(probability: Float, generator: RandomGenerator?) {
        precondition(probability >= 0 && probability < 1, "\(Self.self): probability \(probability) is not in [0, 1)")
        self.probability = probability
        self.generator = generator ?? GlobalRandom.makeGenerator()
    }

    /// `drop(input)` in training mode with probability > 0; otherwise the input unchanged.
    open override func forward(_ input: Tensor) -> Tensor {
        guard isTraining && probability > 0 else { return input }
        return drop(input)
    }

    /// The training-mode output (only called with probability > 0).
    open func drop(_ input: Tensor) -> Tensor { fatalError("\(type(of: self)) must override drop(_:)") }
}

/// Inverted dropout: while training, zeroes each value with probability p and
/// scales the kept ones by 1/(1−p), so evaluation needs no rescaling.
public final class Dropout: DropoutLayer {
    /// Inverted dropout with drop probability `probability` (default 0.5); nil
    /// `generator`: a fresh one from `GlobalRandom`.
    public init(_ probability: Float = 0.5, generator: RandomGenerator? = nil) {
        super.init(probability: probability, generator: generator)
    }

    /// x·m/(1 − p) with m ~ Bernoulli(1 − p) per element, any shape; the mask is a
    /// constant, so the gradient is masked and scaled the same way.
    public override func drop(_ input: Tensor) -> Tensor {
        let keep = 1 - probability
        return input * (Tensor.bernoulli(input.shape, p: keep, using: &generator) * (1 / keep))
    }
}

/// Dropout for SELU networks (Klambauer et al. 2017): dropped units take SELU's
/// negative saturation value and an affine correction keeps mean 0 and variance 1.
public final class AlphaDropout: DropoutLayer {
    /// Alpha dropout with drop probability `probability` (default 0.1); nil
    /// `generator`: a fresh one from `GlobalRandom`.
    public init(_ probability: Float = 0.1, generator: RandomGenerator? = nil) {
        super.init(probability: probability, generator: generator)
    }

    /// a·(x·m + α′·(1 − m)) + b with m ~ Bernoulli(1 − p) per element, where
    /// α′ = −λα is SELU's negative saturation, a = 1/√((1 − p)(1 + p·α′²)) and
    /// b = −a·α′·p.
    public override func drop(_ input: Tensor) -> Tensor {
        let saturation = -SELUConstants.lambda * SELUConstants.alpha
        let q = 1 - probability
        let a = 1 / (q * (1 + probability * saturation * saturation)).squareRoot()
        let b = -a * saturation * probability
        let keep = Tensor.bernoulli(input.shape, p: q, using: &generator)
        return (input * keep + (1 - keep) * saturation) * a + b
    }
}
