import AnnealTensor

/// Inverted dropout: while training, zeroes each value with probability p and
/// scales the kept ones by 1/(1−p), so evaluation needs no rescaling.
public final class Dropout: Module, StochasticLayer {
    public let probability: Float
    var generator: RandomGenerator

    public init(_ probability: Float = 0.5, generator: RandomGenerator? = nil) {
        precondition(probability >= 0 && probability < 1, "Dropout: probability \(probability) is not in [0, 1)")
        self.probability = probability
        self.generator = generator ?? GlobalRandom.makeGenerator()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        guard isTraining && probability > 0 else { return input }
        let keep = 1 - probability
        let mask = Tensor.bernoulli(input.shape, p: keep, using: &generator) * (1 / keep)
        return input * mask
    }
}

/// Dropout for SELU networks (Klambauer et al. 2017): dropped units take SELU's
/// negative saturation value and an affine correction keeps mean 0 and variance 1.
public final class AlphaDropout: Module, StochasticLayer {
    public let probability: Float
    var generator: RandomGenerator

    public init(_ probability: Float = 0.1, generator: RandomGenerator? = nil) {
        precondition(probability >= 0 && probability < 1, "AlphaDropout: probability \(probability) is not in [0, 1)")
        self.probability = probability
        self.generator = generator ?? GlobalRandom.makeGenerator()
    }

    public override func forward(_ input: Tensor) -> Tensor {
        guard isTraining && probability > 0 else { return input }
        let saturation = -SELUConstants.lambda * SELUConstants.alpha
        let q = 1 - probability
        let a = 1 / (q * (1 + probability * saturation * saturation)).squareRoot()
        let b = -a * saturation * probability
        let keep = Tensor.bernoulli(input.shape, p: q, using: &generator)
        return (input * keep + (1 - keep) * saturation) * a + b
    }
}
