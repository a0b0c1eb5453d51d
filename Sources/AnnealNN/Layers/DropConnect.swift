import AnnealTensor

/// A change applied to a layer's weight on every forward pass, the way PyTorch's
/// parametrizations work: the layer keeps its plain `weight` (what the state dict,
/// optimizers and exports see) and multiplies by `transform(weight)`. A module
/// itself, so it follows the layer into training and evaluation mode and, when it
/// draws random numbers, checkpoints its own stream.
open class WeightTransform: Module {
    /// The weight a forward pass uses in place of `weight`; the base class returns it unchanged.
    open func transform(_ weight: Tensor) -> Tensor { weight }
}

/// DropConnect (Wan et al. 2013): while training, each weight is kept with
/// probability 1−p and kept ones are scaled by 1/(1−p) — one mask per forward pass,
/// shared by the batch (and all positions of a convolution) — so gradients reach
/// only the kept weights; evaluation uses the weight unchanged. (Wan et al. draw a
/// mask per example; a per-batch mask costs one weight-sized draw instead of N and
/// keeps the plain GEMM/convolution, as common implementations do.)
public final class DropConnect: WeightTransform, StochasticLayer, RandomDrawing {
    /// Probability of dropping each weight.
    public let probability: Float
    /// The generator of the masks: one weight-sized draw per training forward pass.
    public var randomStream: RandomGenerator

    /// The mask stream's id, derived from the layer's initialization stream, so
    /// turning DropConnect on does not change the layer's initial weights.
    public static let streamID: UInt64 = 0xD0C0_11EC

    /// DropConnect dropping each weight with `probability`, in (0, 1), drawing masks from `generator`.
    public init(_ probability: Float, generator: RandomGenerator) {
        precondition(probability > 0 && probability < 1, "DropConnect: probability \(probability) is not in (0, 1)")
        self.probability = probability
        randomStream = generator
    }

    /// A layer's DropConnect with probability p (nil for p = 0), its mask stream
    /// derived from the layer's initialization generator.
    static func maker(_ probability: Float) -> ((RandomGenerator) -> WeightTransform)? {
        probability == 0 ? nil : { DropConnect(probability, generator: $0.derived(stream: streamID)) }
    }

    /// w · m / (1−p), m ~ Bernoulli(1−p) elementwise (the mask is a constant:
    /// the gradient to w is the upstream gradient times the scaled mask).
    public override func transform(_ weight: Tensor) -> Tensor {
        guard isTraining else { return weight }
        let keep = 1 - probability
        return weight * (Tensor.bernoulli(weight.shape, p: keep, using: &randomStream) * (1 / keep))
    }
}

extension Linear {
    /// A fully connected layer with DropConnect p on its weight (0: none).
    public convenience init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, weightInit: Initializer = .kaimingNormal(),
                            biasInit: Initializer = .zeros, dropConnect: Float, generator: RandomGenerator? = nil) {
        self.init(inFeatures, outFeatures, bias: bias, weightInit: weightInit, biasInit: biasInit, generator: generator,
                  weightTransform: DropConnect.maker(dropConnect))
    }
}

extension Conv2d {
    /// A convolution with DropConnect p on its kernel (0: none).
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                            padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true,
                            weightInit: Initializer = .kaimingNormal(), biasInit: Initializer = .zeros, dropConnect: Float,
                            generator: RandomGenerator? = nil) {
        self.init(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, groups: groups,
                  bias: bias, weightInit: weightInit, biasInit: biasInit, generator: generator, weightTransform: DropConnect.maker(dropConnect))
    }
}
