import AnnealTensor

/// 2-D convolution over [N, C, H, W] (weight [out, in/groups, kH, kW], as PyTorch).
///
/// `dropConnect` p > 0 (Wan et al. 2013): while training, each kernel weight is
/// kept with probability 1−p and kept ones are scaled by 1/(1−p) — one mask per
/// forward pass, shared by the batch and all positions — so gradients reach only
/// the kept weights and evaluation uses the kernel unchanged. The bias is not masked.
/// (Wan et al. draw a mask per example; a per-batch mask costs one weight-sized
/// draw instead of N and keeps the plain GEMM/convolution, as common implementations do.)
public final class Conv2d: Module, StochasticLayer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    public let groups: Int
    /// DropConnect probability of dropping each weight while training (0: off).
    public var dropConnect: Float {
        didSet { DropConnect.check(dropConnect, "Conv2d") }
    }
    var maskGenerator: RandomGenerator

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true,
                weightInit: Initializer = .kaimingNormal(), biasInit: Initializer = .zeros, dropConnect: Float = 0,
                generator: RandomGenerator? = nil) {
        precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: \(inChannels) → \(outChannels) channels do not divide into \(groups) groups")
        DropConnect.check(dropConnect, "Conv2d")
        var generator = generator ?? GlobalRandom.makeGenerator()
        weight = Parameter(weightInit.make([outChannels, inChannels / groups, kernelSize.0, kernelSize.1], using: &generator))
        self.bias = bias ? Parameter(biasInit.make([outChannels], using: &generator)) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.dropConnect = dropConnect
        // Its own stream, so turning DropConnect on does not change the initial weights.
        maskGenerator = generator.derived(stream: DropConnect.stream)
    }

    /// Square kernel, stride, padding and dilation.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true, weightInit: Initializer = .kaimingNormal(),
                            dropConnect: Float = 0) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias,
                  weightInit: weightInit, dropConnect: dropConnect)
    }

    /// The kernel this pass uses: masked and rescaled while training with DropConnect.
    public func effectiveWeight() -> Tensor {
        guard isTraining && dropConnect > 0 else { return weight.value }
        return DropConnect.mask(weight.value, probability: dropConnect, using: &maskGenerator)
    }

    public override func forward(_ input: Tensor) -> Tensor {
        Tensor.conv2d(input, weight: effectiveWeight(), bias: bias?.value, stride: stride, padding: padding,
                      dilation: dilation, groups: groups)
    }
}
