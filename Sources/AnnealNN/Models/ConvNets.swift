import AnnealTensor

/// The small convolutional network of the benchmarks and the `cnn` preset:
/// two conv–BN–ReLU–maxpool stages, a 128-unit hidden layer with dropout.
/// Convolutions before batch norm carry no bias (batch norm's shift replaces it).
public enum SmallCNN {
    public static func make(classes: Int = 10, dropout: Float = 0.5) -> Sequential {
        Sequential(
            Conv2d(1, 32, kernelSize: 3, padding: 1, bias: false), BatchNorm2d(32), ReLU(), MaxPool2d(2),
            Conv2d(32, 64, kernelSize: 3, padding: 1, bias: false), BatchNorm2d(64), ReLU(), MaxPool2d(2),
            Flatten(), Linear(64 * 7 * 7, 128), ReLU(), Dropout(dropout), Linear(128, classes, weightInit: .xavierNormal()))
    }
}

/// CIFAR-style ResNets (He et al. 2016, section 4.2) for 28×28×1 input: a 3×3
/// convolution to 16 channels, three stages of n basic blocks at 16/32/64
/// channels with strides 1/2/2, global average pooling and a linear classifier.
/// Depth 6n + 2: resnet20 (n = 3), resnet32 (5), resnet56 (9).
public final class ResNet: Module {
    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let layer1: Sequential
    public let layer2: Sequential
    public let layer3: Sequential
    public let fc: Linear

    public init(blocksPerStage n: Int, inChannels: Int = 1, classes: Int = 10, zeroInitResidual: Bool = false) {
        conv1 = Conv2d(inChannels, 16, kernelSize: 3, padding: 1, bias: false)
        bn1 = BatchNorm2d(16)
        func stage(_ input: Int, _ output: Int, stride: Int) -> Sequential {
            Sequential((0..<n).map { i in
                BasicBlock(i == 0 ? input : output, output, stride: i == 0 ? stride : 1, zeroInitResidual: zeroInitResidual)
            })
        }
        layer1 = stage(16, 16, stride: 1)
        layer2 = stage(16, 32, stride: 2)
        layer3 = stage(32, 64, stride: 2)
        fc = Linear(64, classes, weightInit: .xavierNormal())
    }

    /// resnet20, resnet32 or resnet56 by depth.
    public convenience init(depth: Int, inChannels: Int = 1, classes: Int = 10, zeroInitResidual: Bool = false) {
        precondition((depth - 2) % 6 == 0 && depth >= 8, "ResNet: depth \(depth) is not 6n + 2")
        self.init(blocksPerStage: (depth - 2) / 6, inChannels: inChannels, classes: classes, zeroInitResidual: zeroInitResidual)
    }

    public var blocks: [BasicBlock] { (layer1.layers + layer2.layers + layer3.layers).compactMap { $0 as? BasicBlock } }

    public override func forward(_ input: Tensor) -> Tensor {
        let features = layer3(layer2(layer1(relu(bn1(conv1(input))))))
        return fc(features.mean(axes: [2, 3]))
    }
}
