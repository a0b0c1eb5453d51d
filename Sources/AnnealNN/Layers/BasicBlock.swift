import AnnealTensor

/// The residual block of ResNet-18/34 and CIFAR ResNets: two 3×3 convolutions
/// with batch norm, added to a shortcut (identity, or a 1×1 projection with batch
/// norm when the shape changes). `zeroInitResidual` starts the second batch norm's
/// scale γ at 0 so the block begins as the identity (Goyal et al. 2017, He et al. 2019).
public final class BasicBlock: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let conv2: Conv2d
    public let bn2: BatchNorm2d
    public let shortcut: Sequential?

    public init(_ inChannels: Int, _ outChannels: Int, stride: Int = 1, zeroInitResidual: Bool = false) {
        conv1 = Conv2d(inChannels, outChannels, kernelSize: 3, stride: stride, padding: 1, bias: false)
        bn1 = BatchNorm2d(outChannels)
        conv2 = Conv2d(outChannels, outChannels, kernelSize: 3, padding: 1, bias: false)
        bn2 = BatchNorm2d(outChannels, initialScale: zeroInitResidual ? 0 : 1)
        shortcut = stride != 1 || inChannels != outChannels
            ? Sequential(Conv2d(inChannels, outChannels, kernelSize: 1, stride: stride, bias: false), BatchNorm2d(outChannels))
            : nil
    }

    /// The residual branch F(x), before it is added to the shortcut.
    public func residual(_ input: Tensor) -> Tensor {
        bn2(conv2(relu(bn1(conv1(input)))))
    }

    public override func forward(_ input: Tensor) -> Tensor {
        relu(residual(input) + (shortcut?(input) ?? input))
    }
}
