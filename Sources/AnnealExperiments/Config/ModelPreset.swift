import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealReports
import AnnealTraining

/// The model presets, each with the training recipe it was tuned with.
public enum ModelPreset: String, Codable, CaseIterable, Sendable {
    /// 784-1024-1024-10 multilayer perceptron (hidden widths configurable).
    case mlp
    /// Two conv–BN–activation–maxpool stages, 128 hidden units, dropout 0.5.
    case cnn
    /// CIFAR-style ResNets (He et al. 2016) of depth 20, 32 and 56.
    case resnet20, resnet32, resnet56
    /// The fastest to 94 % on Fashion-MNIST on 2 CPU cores (`FastNet`).
    case fast

    /// Whether the preset is built of residual blocks.
    public var isResidual: Bool { resnetDepth != nil }

    /// Whether the preset has hidden Linear layers, which dropout and DropConnect
    /// act on (and a choice of activation).
    public var hasHiddenLinear: Bool { self == .mlp || self == .cnn }

    var resnetDepth: Int? {
        switch self {
        case .resnet20: 20
        case .resnet32: 32
        case .resnet56: 56
        case .mlp, .cnn, .fast: nil
        }
    }

    /// The settings this preset starts from where a configuration leaves them unset
    /// (like timm's per-model recipes; figures in docs/accuracy.md):
    /// - mlp: 20 epochs of SGD at 0.05 with cosine decay, no warmup.
    /// - cnn: 15 epochs at 0.05 after 1 warmup epoch (92.7 % against 92.1 % without).
    /// - mlp and cnn normalize their inputs by the training set's mean and std
    ///   (+0.29 and +0.02 points over raw pixels, 2 seeds each).
    /// - resnets: 30 epochs at 0.1 after 1 warmup epoch in batches of 64, zero-γ
    ///   residual blocks (Goyal et al. 2017), label smoothing 0.1, weight decay 1e-3
    ///   and stochastic depth 0.1: without augmentation ResNet-20 memorizes the
    ///   training set, and the stronger regularization and noisier small batches
    ///   keep test accuracy rising to the end.
    public var recipe: PresetRecipe {
        switch self {
        case .mlp: PresetRecipe(epochs: 20, sgdLearningRate: 0.05, normalize: .global)
        case .cnn: PresetRecipe(epochs: 15, sgdLearningRate: 0.05, warmupEpochs: 1, normalize: .global)
        case .fast:
            PresetRecipe(epochs: 9, sgdLearningRate: 0.2, warmupEpochs: 1, labelSmoothing: 0.1, batchSize: 256,
                         augment: "flip,crop:1", normalize: .global, testTimeAugmentation: .flip, evaluatesEveryEpoch: false)
        case .resnet20, .resnet32, .resnet56:
            PresetRecipe(epochs: 30, sgdLearningRate: 0.1, warmupEpochs: 1, zeroInitResidual: true, labelSmoothing: 0.1,
                         batchSize: 64, weightDecay: 1e-3, stochasticDepth: 0.1)
        }
    }
}

/// A preset's training settings (see `ModelPreset.recipe`).
public struct PresetRecipe: Sendable, Equatable {
    /// Epochs of a run that does not set `RunConfig.epochs`.
    public var epochs: Int
    /// Peak learning rate with SGD (other optimizers keep their own defaults).
    public var sgdLearningRate: Float
    /// SGD's momentum, tuned with the rest of the recipe (other optimizers keep their own).
    public var sgdMomentum: Float = 0.9
    /// Warmup epochs in front of the schedule for a run of `epochs` epochs.
    public var warmupEpochs: Double
    /// Whether residual blocks start as the identity (their last batch norm's γ at 0).
    public var zeroInitResidual: Bool
    /// Label smoothing ε of the cross-entropy loss (0: none).
    public var labelSmoothing: Float
    /// Training images per batch (also the linear scaling rule's reference batch).
    public var batchSize: Int
    /// Weight decay of every optimizer (biases and normalization parameters are exempt).
    public var weightDecay: Float
    /// Drop probability of the last residual block (nil: not a residual preset).
    public var stochasticDepth: Float?
    /// Augmentation spec (see `AugmentationSpec`; "" for none).
    public var augment: String
    /// Input normalization fitted on the training images.
    public var normalize: Preprocessing.Normalization
    /// Test-time augmentation of its evaluations (`anneal evaluate` and `predict` default to it too).
    public var testTimeAugmentation: TestTimeAugmentation
    /// Whether to evaluate after every epoch (else after the last only, which a
    /// preset tuned for time to accuracy spends on training instead).
    public var evaluatesEveryEpoch: Bool

    /// A recipe; the defaults are the plain one: no warmup, label smoothing, augmentation
    /// or test-time augmentation, batches of 128, weight decay 5e-4, evaluation every epoch.
    public init(epochs: Int, sgdLearningRate: Float, warmupEpochs: Double = 0, zeroInitResidual: Bool = false,
                labelSmoothing: Float = 0, batchSize: Int = 128, weightDecay: Float = 5e-4, stochasticDepth: Float? = nil,
                augment: String = "", normalize: Preprocessing.Normalization = .none, testTimeAugmentation: TestTimeAugmentation = .none,
                evaluatesEveryEpoch: Bool = true) {
        self.epochs = epochs
        self.sgdLearningRate = sgdLearningRate
        self.warmupEpochs = warmupEpochs
        self.zeroInitResidual = zeroInitResidual
        self.labelSmoothing = labelSmoothing
        self.batchSize = batchSize
        self.weightDecay = weightDecay
        self.stochasticDepth = stochasticDepth
        self.augment = augment
        self.normalize = normalize
        self.testTimeAugmentation = testTimeAugmentation
        self.evaluatesEveryEpoch = evaluatesEveryEpoch
    }

    /// The warmup for a run of `runEpochs`: the recipe's, shortened in proportion
    /// for runs shorter than the recipe's own (a 1-epoch smoke test still warms up,
    /// briefly, instead of failing for a warmup as long as the run).
    public func warmupEpochs(forRunOf runEpochs: Int) -> Double {
        warmupEpochs * min(1, Double(runEpochs) / Double(epochs))
    }
}

extension ModelPreset {
    /// The preset network with its default configuration (fresh weights from `GlobalRandom`).
    public func makeModel() throws -> Module { try ModelConfig(name: self).makeModel() }
}
