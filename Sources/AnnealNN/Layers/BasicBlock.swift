import AnnealTensor

/// The residual block of ResNet-18/34 and CIFAR ResNets: two 3×3 convolutions
/// with batch norm, added to a shortcut (identity, or a 1×1 projection with batch
/// norm when the shape changes). `zeroInitResidual` starts the second batch norm's
/// scale γ at 0 so the block begins as the identity (Goyal et al. 2017, He et al. 2019).
///
/// Stochastic depth (Huang et al. 2016): with `stochasticDepth` p > 0, while
/// training each sample's residual branch is dropped with probability p and
/// kept ones are scaled by 1/(1−p), so the expected pre-activation (shortcut +
/// branch) equals the evaluation one and evaluation is the plain block. This is
/// the inverted form (as torchvision's `StochasticDepth` "row" mode) of the
/// paper's "scale by 1−p at test time"; both give the same expectation, and
/// this one leaves evaluation, checkpoints and exported weights untouched.
/// The final ReLU comes after the sum, so only the pre-activation's expectation
/// is exact.
public final class BasicBlock: Module, StochasticLayer {
    /// The first 3×3 convolution (padding 1, no bias); it carries the block's stride.
    public let conv1: Conv2d
    /// Batch norm after `conv1`, run fused with the ReLU that follows it.
    public let bn1: BatchNorm2d
    /// The second 3×3 convolution (stride 1, padding 1, no bias).
    public let conv2: Conv2d
    /// Batch norm ending the residual branch; its scale starts at 0 with `zeroInitResidual`.
    public let bn2: BatchNorm2d
    /// The projection shortcut (1×1 convolution with the block's stride, then batch
    /// norm) when the stride or channel count changes; nil for the identity.
    public let shortcut: Sequential?
    /// Probability of dropping the residual branch, per sample, while training.
    public var stochasticDepth: Float {
        didSet { BasicBlock.check(stochasticDepth) }
    }
    var generator: RandomGenerator

    /// A block from `inChannels` to `outChannels` channels.
    /// - Parameters:
    ///   - inChannels: C of the input [N, C, H, W].
    ///   - outChannels: Channels of both convolutions and of the output.
    ///   - stride: Stride of `conv1` and of the projection shortcut (2 halves H and W).
    ///   - zeroInitResidual: Whether `bn2`'s scale starts at 0, so the block starts as its shortcut.
    ///   - stochasticDepth: Probability in [0, 1) of dropping the residual branch per sample while training.
    ///   - generator: The stochastic-depth stream; nil derives one from `conv1`'s initialization generator.
    public init(_ inChannels: Int, _ outChannels: Int, stride: Int = 1, zeroInitResidual: Bool = false,
                stochasticDepth: Float = 0, generator: RandomGenerator? = nil) {
        BasicBlock.check(stochasticDepth)
        let conv1Generator = GlobalRandom.makeGenerator()
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, stride: stride, padding: 1, bias: false, generator: conv1Generator)
        bn1 = BatchNorm2d(outChannels)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, bias: false)
        bn2 = BatchNorm2d(outChannels, initialScale: zeroInitResidual ? 0 : 1)
        shortcut = stride != 1 || inChannels != outChannels
            ? Sequential(Conv2d(inChannels, outChannels, kernelSize: 1, stride: stride, bias: false), BatchNorm2d(outChannels))
            : nil
        self.stochasticDepth = stochasticDepth
        // Derived from the first convolution's generator rather than taken from GlobalRandom,
        // so the initial weights of every later layer stay what they were (checkpoints of
        // earlier versions hold it: the stream id is the DropConnect stream's, derived again).
        self.generator = generator ?? conv1Generator.derived(stream: DropConnect.streamID).derived(stream: 0x5D)
    }

    private static func check(_ p: Float) {
        precondition(p >= 0 && p < 1, "BasicBlock: stochasticDepth \(p) is not in [0, 1)")
    }

    /// The residual branch F(x), before it is added to the shortcut.
    public func residual(_ input: Tensor) -> Tensor {
        bn2(conv2(bn1.callWithReLU(conv1(input))))
    }

    /// shortcut(x) + b·F(x)/(1−p) with b ~ Bernoulli(1−p) per sample while
    /// training with stochastic depth, else shortcut(x) + F(x): the block before its ReLU.
    public func preActivation(_ input: Tensor) -> Tensor {
        let identity = shortcut?(input) ?? input
        var branch = residual(input)
        if isTraining && stochasticDepth > 0 {
            let keep = 1 - stochasticDepth
            branch = branch * (Tensor.bernoulli([input.shape[0], 1, 1, 1], p: keep, using: &generator) * (1 / keep))
        }
        return branch + identity
    }

    /// relu(`preActivation(input)`): [N, inChannels, H, W] → [N, outChannels, ⌈H/stride⌉, ⌈W/stride⌉].
    public override func forward(_ input: Tensor) -> Tensor {
        relu(preActivation(input))
    }
}
