import AnnealTensor

/// The small convolutional network of the benchmarks and the `cnn` preset:
/// two conv–BN–activation–pool stages (ReLU by default), a 128-unit hidden layer with dropout.
/// Convolutions and the hidden layer take Kaiming initialization with the activation's
/// gain (LeCun for SELU, whose dropout is then AlphaDropout), as the mlp.
/// For `[C, H, W]` inputs (Fashion-MNIST's `[1, 28, 28]` by default): the hidden layer's
/// width follows from the size left after the two poolings.
/// Convolutions before batch norm carry no bias (batch norm's shift replaces it).
///
/// Regularization switches (the ablation's variants):
/// - `pool: .fractional`: fractional max pooling by √2 (Graham 2014) in both
///   stages, 28 → 19 → 13, so the hidden layer takes 64·13·13 inputs;
/// - `batchNorm: false`: `Identity` in batch norm's places (state-dict indices
///   stay the same) and biases on the convolutions, which batch norm's shift
///   no longer replaces;
/// - `dropConnect`: DropConnect on the hidden layer's weights (Wan et al. 2013
///   put it on the layer before the classifier), alongside or instead of `dropout`.
public enum SmallCNN {
    /// The downsampling of both stages.
    public enum Pooling: String, CaseIterable, Sendable, Codable {
        /// 2×2 max pooling, stride 2: 28 → 14 → 7.
        case max
        /// Fractional max pooling by √2: 28 → 19 → 13.
        case fractional
    }

    /// The network as a `Sequential` (state-dict names `0.weight` …).
    /// - Parameters:
    ///   - inputShape: [C, H, W] of one input.
    ///   - classes: The number of logits the classifier puts out.
    ///   - dropout: Drop probability before the classifier (`AlphaDropout` with SELU); 0: none.
    ///   - pool: The downsampling of both stages.
    ///   - batchNorm: Whether batch norm follows each convolution (`Identity` otherwise).
    ///   - dropConnect: DropConnect probability on the hidden layer's weights; 0: none.
    ///   - activation: The nonlinearity after each convolution and after the hidden layer.
    public static func make(inputShape: [Int] = [1, 28, 28], classes: Int = 10, dropout: Float = 0.5, pool: Pooling = .max,
                            batchNorm: Bool = true, dropConnect: Float = 0, activation: Activation = .relu) -> Sequential {
        precondition(inputShape.count == 3 && inputShape.allSatisfy { $0 >= 1 }, "SmallCNN: input shape must be [C, H, W], got \(inputShape)")
        var height = inputShape[1], width = inputShape[2]
        func downsample() -> Module {
            switch pool {
            case .max:
                (height, width) = (height / 2, width / 2)
                return MaxPool2d(2)
            case .fractional:
                let layer = FractionalMaxPool2d(ratio: 2.0.squareRoot())
                (height, width) = (layer.outputSize(height), layer.outputSize(width))
                return layer
            }
        }
        func normalization(_ channels: Int) -> Module { batchNorm ? BatchNorm2d(channels) : Identity() }
        // As the mlp: Kaiming with the activation's gain, LeCun and AlphaDropout for SELU (self-normalizing).
        let hiddenInit: Initializer = activation == .selu ? .lecunNormal : .kaimingNormal(nonlinearity: activation.nonlinearity)
        let stage1: [Module] = [Conv2d(inputShape[0], 32, kernelSize: 3, padding: 1, bias: !batchNorm, weightInit: hiddenInit), normalization(32),
                                activation.makeLayer(channels: 32), downsample()]
        let stage2: [Module] = [Conv2d(32, 64, kernelSize: 3, padding: 1, bias: !batchNorm, weightInit: hiddenInit), normalization(64),
                                activation.makeLayer(channels: 64), downsample()]
        let head: [Module] = [Flatten(), Linear(64 * height * width, 128, weightInit: hiddenInit, dropConnect: dropConnect), activation.makeLayer(channels: 128),
                              activation == .selu ? AlphaDropout(dropout) : Dropout(dropout), Linear(128, classes, weightInit: .xavierNormal())]
        return Sequential(stage1 + stage2 + head)
    }
}

/// CIFAR-style ResNets (He et al. 2016, section 4.2), for 28×28×1 input as for
/// CIFAR-10's 32×32×3 (any size: the pooling is global): a 3×3
/// convolution to 16 channels, three stages of n basic blocks at 16/32/64
/// channels with strides 1/2/2, global average pooling and a linear classifier.
/// Depth 6n + 2: resnet20 (n = 3), resnet32 (5), resnet56 (9).
public final class ResNet: Module {
    /// The stem: a 3×3 convolution from the input channels to 16 (padding 1, no bias).
    public let conv1: Conv2d
    /// Batch norm after the stem, run fused with its ReLU.
    public let bn1: BatchNorm2d
    /// Stage 1: n blocks at 16 channels, stride 1.
    public let layer1: Sequential
    /// Stage 2: n blocks at 32 channels; the first has stride 2.
    public let layer2: Sequential
    /// Stage 3: n blocks at 64 channels; the first has stride 2.
    public let layer3: Sequential
    /// The classifier: 64 pooled features → `classes` logits (Xavier-normal weights).
    public let fc: Linear

    /// `stochasticDepth` p_L > 0: block l of L (counted through all stages, 1-based)
    /// drops its residual branch with probability p_l = p_L·l/L while training
    /// (Huang et al. 2016's linear decay rule; they use p_L = 0.5).
    public init(blocksPerStage n: Int, inChannels: Int = 1, classes: Int = 10, zeroInitResidual: Bool = false,
                stochasticDepth: Float = 0) {
        precondition(stochasticDepth >= 0 && stochasticDepth < 1, "ResNet: stochasticDepth \(stochasticDepth) is not in [0, 1)")
        conv1 = Conv2d(inChannels, 16, kernelSize: 3, padding: 1, bias: false)
        bn1 = BatchNorm2d(16)
        let totalBlocks = Float(3 * n)
        func stage(_ input: Int, _ output: Int, stride: Int, index: Int) -> Sequential {
            Sequential((0..<n).map { i in
                let l = Float(index * n + i + 1)
                return BasicBlock(i == 0 ? input : output, output, stride: i == 0 ? stride : 1, zeroInitResidual: zeroInitResidual,
                                  stochasticDepth: stochasticDepth * l / totalBlocks)
            })
        }
        layer1 = stage(16, 16, stride: 1, index: 0)
        layer2 = stage(16, 32, stride: 2, index: 1)
        layer3 = stage(32, 64, stride: 2, index: 2)
        fc = Linear(64, classes, weightInit: .xavierNormal())
    }

    /// resnet20, resnet32 or resnet56 by depth.
    public convenience init(depth: Int, inChannels: Int = 1, classes: Int = 10, zeroInitResidual: Bool = false,
                            stochasticDepth: Float = 0) {
        precondition((depth - 2) % 6 == 0 && depth >= 8, "ResNet: depth \(depth) is not 6n + 2")
        self.init(blocksPerStage: (depth - 2) / 6, inChannels: inChannels, classes: classes, zeroInitResidual: zeroInitResidual,
                  stochasticDepth: stochasticDepth)
    }

    /// Every residual block, stage by stage (3n of them).
    public var blocks: [BasicBlock] { (layer1.layers + layer2.layers + layer3.layers).compactMap { $0 as? BasicBlock } }

    /// [N, inChannels, H, W] → logits [N, classes]: the stem, the three stages, the
    /// mean over H and W, the classifier.
    public override func forward(_ input: Tensor) -> Tensor {
        let features = layer3(layer2(layer1(bn1.callWithReLU(conv1(input)))))
        return fc(features.mean(axes: [2, 3]))
    }
}

extension ResNet: LayerChain {
    /// The stem, each residual block, and the pooled classifier.
    public var links: [ChainLink] {
        [ChainLink([conv1, bn1]) { [conv1, bn1] in bn1.callWithReLU(conv1($0)) }]
            + blocks.map(ChainLink.init)
            + [ChainLink([fc]) { [fc] in fc($0.mean(axes: [2, 3])) }]
    }
}
