import AnnealTensor

/// y = x·Wᵀ + b, with W of shape [out, in] as in PyTorch; `weightTransform`
/// (DropConnect) changes W on each forward pass.
public final class Linear: Module, ReLUFusing {
    /// W, [out, in] (Kaiming-normal by default).
    public let weight: Parameter
    /// b, [out]; nil when built with `bias: false`.
    public let bias: Parameter?
    /// The change applied to W on each forward pass (DropConnect); nil: W as it is.
    public let weightTransform: WeightTransform?

    /// `weightTransform` is made from the initialization generator as it stands
    /// after the weights are drawn (DropConnect derives its mask stream from it).
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                weightInit: Initializer = .kaimingNormal(), biasInit: Initializer = .zeros,
                generator: RandomGenerator? = nil, weightTransform: ((RandomGenerator) -> WeightTransform)? = nil) {
        var generator = generator ?? GlobalRandom.makeGenerator()
        weight = Parameter(weightInit.make([outFeatures, inFeatures], using: &generator))
        self.bias = bias ? Parameter(biasInit.make([outFeatures], using: &generator)) : nil
        self.weightTransform = weightTransform?(generator)
        super.init()
    }

    /// The input width: the size of the input's last axis.
    public var inFeatures: Int { weight.shape[1] }
    /// The output width: the size of the output's last axis.
    public var outFeatures: Int { weight.shape[0] }

    /// The weight this pass uses (the transform's, when there is one).
    public func effectiveWeight() -> Tensor { weightTransform?.transform(weight.value) ?? weight.value }

    /// x·Wᵀ + b over the last axis with `effectiveWeight()`: [..., in] → [..., out].
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
