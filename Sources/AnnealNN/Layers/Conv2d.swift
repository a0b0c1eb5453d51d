import AnnealTensor

/// 2-D convolution over [N, C, H, W] (weight [out, in/groups, kH, kW], as PyTorch);
/// `weightTransform` (DropConnect) changes the kernel on each forward pass.
public final class Conv2d: Module {
    /// The kernel, [out, in/groups, kH, kW] (Kaiming-normal by default).
    public let weight: Parameter
    /// The per-output-channel bias, [out]; nil when built with `bias: false`.
    public let bias: Parameter?
    /// Stride, zero padding (on each side) and dilation, each as (vertical, horizontal).
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    /// The number of channel groups (1: every output channel sees every input channel).
    public let groups: Int
    /// The change applied to the kernel on each forward pass (DropConnect); nil: the kernel as it is.
    public let weightTransform: WeightTransform?

    /// `weightTransform` is made from the initialization generator as it stands
    /// after the weights are drawn (DropConnect derives its mask stream from it).
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true,
                weightInit: Initializer = .kaimingNormal(), biasInit: Initializer = .zeros,
                generator: RandomGenerator? = nil, weightTransform: ((RandomGenerator) -> WeightTransform)? = nil) {
        precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d: \(inChannels) → \(outChannels) channels do not divide into \(groups) groups")
        var generator = generator ?? GlobalRandom.makeGenerator()
        weight = Parameter(weightInit.make([outChannels, inChannels / groups, kernelSize.0, kernelSize.1], using: &generator))
        self.bias = bias ? Parameter(biasInit.make([outChannels], using: &generator)) : nil
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.weightTransform = weightTransform?(generator)
    }

    /// Square kernel, stride, padding and dilation.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                            dilation: Int = 1, groups: Int = 1, bias: Bool = true, weightInit: Initializer = .kaimingNormal(),
                            generator: RandomGenerator? = nil) {
        self.init(inChannels, outChannels, kernelSize: (kernelSize, kernelSize), stride: (stride, stride),
                  padding: (padding, padding), dilation: (dilation, dilation), groups: groups, bias: bias,
                  weightInit: weightInit, generator: generator)
    }

    /// The kernel this pass uses (the transform's, when there is one).
    public func effectiveWeight() -> Tensor { weightTransform?.transform(weight.value) ?? weight.value }

    /// The convolution of [N, in, H, W] input with `effectiveWeight()`, plus the bias:
    /// [N, out, OH, OW], OH = ⌊(H + 2·padding − dilation·(kH − 1) − 1) / stride⌋ + 1 (OW likewise).
    public override func forward(_ input: Tensor) -> Tensor {
        Tensor.conv2d(input, weight: effectiveWeight(), bias: bias?.value, stride: stride, padding: padding,
                      dilation: dilation, groups: groups)
    }
}
