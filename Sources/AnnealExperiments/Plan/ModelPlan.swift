import AnnealNN
import AnnealTensor

/// A network with every setting decided: what `ModelConfig` (the Codable description
/// in run.json and weights files, optional where the preset decides) resolves to.
public enum Architecture: Sendable, Equatable {
    /// The multilayer perceptron on flat inputs.
    case mlp(MLPSettings)
    /// The small convolutional network (`SmallCNN`).
    case cnn(CNNSettings)
    /// The fast preset's network (`FastNet`).
    case fast(FastSettings)
    /// A CIFAR-style ResNet (`ResNet`).
    case resnet(ResNetSettings)

    /// The perceptron's decided settings.
    public struct MLPSettings: Sendable, Equatable {
        /// Input width: C·H·W, or k after a PCA projection.
        public var inputs: Int
        /// Hidden layer widths, first to last.
        public var hidden: [Int]
        /// The hidden layers' activation.
        public var activation: Activation
        /// After each hidden layer.
        public var dropout: Float
        /// On the hidden layers' weights.
        public var dropConnect: Float

        /// Settings from each value as given.
        public init(inputs: Int, hidden: [Int], activation: Activation, dropout: Float, dropConnect: Float) {
            (self.inputs, self.hidden, self.activation, self.dropout, self.dropConnect) = (inputs, hidden, activation, dropout, dropConnect)
        }
    }

    /// The small CNN's decided settings.
    public struct CNNSettings: Sendable, Equatable {
        /// Input images `[channels, height, width]`.
        public var inputShape: [Int]
        /// The activation after every batch norm and hidden layer.
        public var activation: Activation
        /// Before the classifier.
        public var dropout: Float
        /// 2×2 max pooling or √2 fractional max pooling.
        public var pool: SmallCNN.Pooling
        /// Whether the convolutions are followed by batch norm (false: the identity, an ablation).
        public var batchNorm: Bool
        /// DropConnect probability on the hidden Linear weights.
        public var dropConnect: Float
        /// Whether the first convolution starts as a whitening of the training images' patches.
        public var whitenedStem: Bool

        /// Settings from each value as given.
        public init(inputShape: [Int], activation: Activation, dropout: Float, pool: SmallCNN.Pooling, batchNorm: Bool, dropConnect: Float,
                    whitenedStem: Bool) {
            (self.inputShape, self.activation, self.dropout, self.pool) = (inputShape, activation, dropout, pool)
            (self.batchNorm, self.dropConnect, self.whitenedStem) = (batchNorm, dropConnect, whitenedStem)
        }
    }

    /// The fast network's decided settings.
    public struct FastSettings: Sendable, Equatable {
        /// Input images `[channels, height, width]`.
        public var inputShape: [Int]
        /// The stem's and the three blocks' widths.
        public var widths: [Int]
        /// The stem reads non-overlapping P×P patches (1: a 3×3 convolution at full resolution).
        public var stemPatch: Int
        /// Whether the stem starts as a whitening of the training images' patches.
        public var whitenedStem: Bool
        /// Whether each block ends with a residual pair of convolutions instead of one convolution.
        public var residualBlocks: Bool

        /// Settings from each value as given.
        public init(inputShape: [Int], widths: [Int], stemPatch: Int, whitenedStem: Bool, residualBlocks: Bool = false) {
            (self.inputShape, self.widths, self.stemPatch, self.whitenedStem) = (inputShape, widths, stemPatch, whitenedStem)
            self.residualBlocks = residualBlocks
        }
    }

    /// The ResNet's decided settings.
    public struct ResNetSettings: Sendable, Equatable {
        /// 20, 32 or 56 layers.
        public var depth: Int
        /// Input images `[channels, height, width]` (the first convolution takes the channels).
        public var inputShape: [Int]
        /// Whether every block starts as the identity (zero γ in its last batch norm).
        public var zeroInitResidual: Bool
        /// Drop probability of the last block.
        public var stochasticDepth: Float
        /// Whether the first convolution starts as a whitening of the training images' patches.
        public var whitenedStem: Bool

        /// Settings from each value as given.
        public init(depth: Int, inputShape: [Int], zeroInitResidual: Bool, stochasticDepth: Float, whitenedStem: Bool) {
            (self.depth, self.inputShape, self.zeroInitResidual) = (depth, inputShape, zeroInitResidual)
            (self.stochasticDepth, self.whitenedStem) = (stochasticDepth, whitenedStem)
        }
    }

    /// Whether the first convolution starts as a whitening of the training images' patches.
    public var whitenedStem: Bool {
        switch self {
        case .mlp: false
        case .cnn(let s): s.whitenedStem
        case .fast(let s): s.whitenedStem
        case .resnet(let s): s.whitenedStem
        }
    }

    /// What sets it apart, for a run's summary ("zero-init residual, stochastic depth 0.1").
    public var notes: [String] {
        let own: [String?] = switch self {
        case .fast(let s): [s.residualBlocks ? "residual blocks" : nil]
        case .resnet(let s): [s.zeroInitResidual ? "zero-init residual" : nil, s.stochasticDepth > 0 ? "stochastic depth \(s.stochasticDepth)" : nil]
        case .mlp, .cnn: []
        }
        return (own + [whitenedStem ? "whitened stem" : nil]).compactMap { $0 }
    }
}

/// The model a run builds: its architecture, its classifier's outputs, and the
/// initializer that replaces the preset's hidden weights (nil: keep them).
public struct ModelPlan: Sendable {
    /// The network's kind and its decided settings.
    public var architecture: Architecture
    /// Outputs of the classifier.
    public var classes: Int
    /// Replaces the preset's initialization of every hidden Linear and Conv2d (nil: keep it).
    public var hiddenInitializer: Initializer?

    /// A plan from each value as given.
    public init(architecture: Architecture, classes: Int, hiddenInitializer: Initializer? = nil) {
        (self.architecture, self.classes, self.hiddenInitializer) = (architecture, classes, hiddenInitializer)
    }

    /// The network, fresh weights from `GlobalRandom`.
    public func makeModel() -> Module {
        let model: Module
        switch architecture {
        case .mlp(let s):
            model = MLP.make(inputs: s.inputs, hidden: s.hidden, classes: classes, activation: s.activation, dropout: s.dropout,
                             dropConnect: s.dropConnect)
        case .cnn(let s):
            model = SmallCNN.make(inputShape: s.inputShape, classes: classes, dropout: s.dropout, pool: s.pool, batchNorm: s.batchNorm,
                                  dropConnect: s.dropConnect, activation: s.activation)
        case .fast(let s):
            model = FastNet.make(inputShape: s.inputShape, classes: classes, widths: s.widths, stemPatch: s.stemPatch,
                                 residualBlocks: s.residualBlocks)
        case .resnet(let s):
            model = ResNet(depth: s.depth, inChannels: s.inputShape[0], classes: classes, zeroInitResidual: s.zeroInitResidual,
                           stochasticDepth: s.stochasticDepth)
        }
        if let hiddenInitializer {
            var generator = GlobalRandom.makeGenerator()
            model.reinitializeHiddenWeights(hiddenInitializer, using: &generator)
        }
        return model
    }
}

extension ModelConfig {
    /// The model this description resolves to (checked, the preset's defaults filled in).
    public func plan(recipe: PresetRecipe? = nil) throws -> ModelPlan {
        try validate()
        let recipe = recipe ?? name.recipe
        let shape = inputShape ?? [1, 28, 28]
        let stem = whitenedStem ?? false
        let architecture: Architecture
        switch name {
        case .mlp:
            architecture = .mlp(.init(inputs: inputs ?? shape.reduce(1, *), hidden: hidden ?? [1024, 1024], activation: activation,
                                      dropout: dropout ?? 0, dropConnect: dropConnect ?? 0))
        case .cnn:
            architecture = .cnn(.init(inputShape: shape, activation: activation, dropout: dropout ?? 0.5, pool: pool ?? .max,
                                      batchNorm: batchNorm ?? true, dropConnect: dropConnect ?? 0, whitenedStem: stem))
        case .fast:
            architecture = .fast(.init(inputShape: shape, widths: widths ?? FastNet.defaultWidths, stemPatch: stemPatch ?? 1, whitenedStem: stem,
                                       residualBlocks: residualBlocks ?? false))
        case .resnet20: architecture = resnet(depth: 20)
        case .resnet32: architecture = resnet(depth: 32)
        case .resnet56: architecture = resnet(depth: 56)
        }
        func resnet(depth: Int) -> Architecture {
            .resnet(.init(depth: depth, inputShape: shape, zeroInitResidual: zeroInitResidual ?? recipe.zeroInitResidual,
                          stochasticDepth: stochasticDepth ?? recipe.stochasticDepth ?? 0, whitenedStem: stem))
        }
        return ModelPlan(architecture: architecture, classes: classes ?? 10, hiddenInitializer: makeInitializer())
    }
}
