/// What the training loop reports to its callbacks, in order:
/// fitBegin, then per epoch epochBegin, per batch batchBegin → afterBackward →
/// batchEnd, then stepsEnd, evaluation, epochEnd; finally fitEnd.
public enum TrainingEvent {
    case fitBegin(FitPlan)
    case epochBegin(epoch: Int)
    case batchBegin(epoch: Int, step: Int)
    /// Gradients are in place and the optimizer has not stepped yet: the hook for
    /// clipping, NaN guards and distributed all-reduce.
    case afterBackward(epoch: Int, step: Int, loss: Float)
    case batchEnd(BatchReport)
    /// The epoch's steps are done and evaluation comes next: the hook for weight
    /// averaging to put its weights in.
    case stepsEnd(epoch: Int)
    case epochEnd(EpochRecord)
    case fitEnd([EpochRecord])
}

/// The shape of a `fit` call, known before it starts.
public struct FitPlan: Sendable {
    public let epochs: Int
    public let startEpoch: Int
    /// Steps of `startEpoch` already done (a run resumed mid-epoch), else 0.
    public let startStep: Int
    public let stepsPerEpoch: Int
    public let trainingSamples: Int
}

/// One finished training step.
public struct BatchReport: Sendable {
    public let epoch: Int
    public let step: Int
    public let stepsPerEpoch: Int
    public let loss: Float
    /// Running metrics of the epoch so far.
    public let running: Metrics
    public let learningRate: Float
    public let imagesPerSecond: Double
    public let epochSeconds: Double
}

/// One finished epoch: training metrics, evaluation metrics and timing.
public struct EpochRecord: Codable, Sendable, Equatable {
    public let epoch: Int
    public let train: Metrics
    public let evaluation: Metrics?
    public let learningRate: Float
    public let seconds: Double
}

/// Where the epoch under way stands: its finished steps and their running
/// metrics. A checkpoint taken mid-epoch saves it; `Trainer.restore` continues there.
public struct EpochProgress: Codable, Sendable, Equatable {
    public let epoch: Int
    public let stepsDone: Int
    public let metrics: Metrics
    /// The rate at the epoch's first step (what its record shows).
    public let learningRate: Float
    /// Training time of the finished steps.
    public let seconds: Double

    public init(epoch: Int, stepsDone: Int, metrics: Metrics, learningRate: Float, seconds: Double) {
        self.epoch = epoch
        self.stepsDone = stepsDone
        self.metrics = metrics
        self.learningRate = learningRate
        self.seconds = seconds
    }
}
