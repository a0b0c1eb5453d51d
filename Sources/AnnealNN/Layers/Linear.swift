import AnnealTensor

/// y = x·Wᵀ + b, with W of shape [out, in] as in PyTorch.
public final class Linear: Module {
    public let weight: Parameter
    public let bias: Parameter?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true,
                weightInit: Initializer = .kaimingNormal(), biasInit: Initializer = .zeros,
                generator: RandomGenerator? = nil) {
        var generator = generator ?? GlobalRandom.makeGenerator()
        weight = Parameter(weightInit.make([outFeatures, inFeatures], using: &generator))
        self.bias = bias ? Parameter(biasInit.make([outFeatures], using: &generator)) : nil
        super.init()
    }

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public override func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.last == inFeatures,
                     "Linear(\(inFeatures), \(outFeatures)): input of shape \(input.shape) does not end in \(inFeatures)")
        let product = input.matmul(weight.value, transposeB: true)
        return bias.map { product + $0.value } ?? product
    }
}
