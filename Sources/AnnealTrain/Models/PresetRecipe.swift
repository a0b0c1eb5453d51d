/// The training settings a model preset starts from when the user leaves them
/// unset — like timm's per-model training recipes: the classic playbook that
/// reaches the preset's reference accuracy on Fashion-MNIST (docs/benchmarks.md).
///
/// - mlp: 20 epochs of SGD at 0.05 with cosine decay, no warmup.
/// - cnn: 15 epochs at 0.05 after 1 warmup epoch (92.7 % against 92.1 % without).
/// - resnet20/32/56: 30 epochs at 0.1 after 1 warmup epoch in batches of 64, every
///   residual block starting as the identity (zero γ, Goyal et al. 2017), label
///   smoothing 0.1, weight decay 1e-3 and stochastic depth 0.1: without augmentation
///   ResNet-20 memorizes the training set, and the stronger regularization and the
///   noisier small batches keep test accuracy rising to the end (docs/accuracy.md).
public struct PresetRecipe: Sendable, Equatable {
    public var epochs: Int
    /// Peak learning rate with SGD (other optimizers keep their own defaults).
    public var sgdLearningRate: Float
    /// Warmup epochs in front of the schedule for a run of `epochs` epochs.
    public var warmupEpochs: Double
    public var zeroInitResidual: Bool
    public var labelSmoothing: Float
    public var batchSize: Int
    public var weightDecay: Float
    /// Drop probability of the last residual block (nil: not a residual preset).
    public var stochasticDepth: Float?

    public init(epochs: Int, sgdLearningRate: Float, warmupEpochs: Double = 0, zeroInitResidual: Bool = false,
                labelSmoothing: Float = 0, batchSize: Int = 128, weightDecay: Float = 5e-4, stochasticDepth: Float? = nil) {
        self.epochs = epochs
        self.sgdLearningRate = sgdLearningRate
        self.warmupEpochs = warmupEpochs
        self.zeroInitResidual = zeroInitResidual
        self.labelSmoothing = labelSmoothing
        self.batchSize = batchSize
        self.weightDecay = weightDecay
        self.stochasticDepth = stochasticDepth
    }

    /// The recipe of a preset (`ModelConfig.presetNames`); unknown names get mlp's.
    public static func of(_ model: String) -> PresetRecipe {
        switch model {
        case "cnn": PresetRecipe(epochs: 15, sgdLearningRate: 0.05, warmupEpochs: 1)
        case "resnet20", "resnet32", "resnet56":
            PresetRecipe(epochs: 30, sgdLearningRate: 0.1, warmupEpochs: 1, zeroInitResidual: true, labelSmoothing: 0.1,
                         batchSize: 64, weightDecay: 1e-3, stochasticDepth: 0.1)
        default: PresetRecipe(epochs: 20, sgdLearningRate: 0.05)
        }
    }

    /// The warmup for a run of `runEpochs`: the recipe's, shortened in proportion
    /// for runs shorter than the recipe's own (a 1-epoch smoke test still warms up,
    /// briefly, instead of failing for a warmup as long as the run).
    public func warmupEpochs(forRunOf runEpochs: Int) -> Double {
        warmupEpochs * min(1, Double(runEpochs) / Double(epochs))
    }
}
