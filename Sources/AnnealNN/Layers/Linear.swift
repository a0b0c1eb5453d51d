import AnnealTensor

/// y = x·Wᵀ + b, with W of shape [out, in] as in PyTorch.
///
/// `dropConnect` p > 0 (Wan et al. 2013): while training, each weight is kept
/// with probability 1−p and kept ones are scaled by 1/(1−p) — one mask per
/// forward pass, shared by the batch — so gradients reach only the kept
/// weights and evaluation uses W unchanged. The bias is not masked.
/// (Wan et al. draw a mask per example; a per-batch mask costs one weight-sized
/// draw instead of N and keeps the plain GEMM/convolution, as common implementations do.)
public final class Linear: Module, StochasticLayer, ReLUFusing {
    public let weight: Parameter
    public let bias: Parameter?
    /// DropConnect probability of dropping each weight while training (0: off).
    public var dropConnect: Float {
        didSet { DropConnect.check(dropConnect, "Linear") }
    }
    var maskGenerator: RandomGenerator

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                weightInit: Initializer = .kaimingNormal(), biasInit: Initializer = .zeros,
                dropConnect: Float = 0, generator: RandomGenerator? = nil) {
        DropConnect.check(dropConnect, "Linear")
        var generator = generator ?? GlobalRandom.makeGenerator()
        weight = Parameter(weightInit.make([outFeatures, inFeatures], using: &generator))
        self.bias = bias ? Parameter(biasInit.make([outFeatures], using: &generator)) : nil
        self.dropConnect = dropConnect
        // Its own stream, so turning DropConnect on does not change the initial weights.
        maskGenerator = generator.derived(stream: DropConnect.stream)
        super.init()
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    /// The weight this pass uses: masked and rescaled while training with DropConnect.
    public func effectiveWeight() -> Tensor {
        guard isTraining && dropConnect > 0 else { return weight.value }
        return DropConnect.mask(weight.value, probability: dropConnect, using: &maskGenerator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.last == inFeatures,
                     "Linear(\(inFeatures), \(outFeatures)): input of shape \(input.shape) does not end in \(inFeatures)")
        return Tensor.linear(input, weight: effectiveWeight(), bias: bias?.value)
    }

    /// relu(forward(input)) in one GEMM pass (a oneDNN post-op).
    public func forwardReLU(_ input: Tensor) -> Tensor {
        guard let bias else { return relu(forward(input)) }
        precondition(input.shape.last == inFeatures,
                     "Linear(\(inFeatures), \(outFeatures)): input of shape \(input.shape) does not end in \(inFeatures)")
        return Tensor.linearReLU(input, weight: effectiveWeight(), bias: bias.value)
    }
}

/// DropConnect's shared pieces for Linear and Conv2d.
enum DropConnect {
    /// The mask generator's stream, derived from the layer's init generator.
    static let stream: UInt64 = 0xD0C0_11EC

    static func check(_ probability: Float, _ layer: String) {
        precondition(probability >= 0 && probability < 1, "\(layer): dropConnect \(probability) is not in [0, 1)")
    }

    /// w · m / (1−p), m ~ Bernoulli(1−p) elementwise (the mask is a constant:
    /// the gradient to w is the upstream gradient times the scaled mask).
    static func mask(_ weight: Tensor, probability: Float, using generator: inout RandomGenerator) -> Tensor {
        let keep = 1 - probability
        return weight * (Tensor.bernoulli(weight.shape, p: keep, using: &generator) * (1 / keep))
    }
}
