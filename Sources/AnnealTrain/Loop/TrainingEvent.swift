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
public struct EpochRecord: Sendable {
    public let epoch: Int
    public let train: Metrics
    public let evaluation: Metrics?
    public let learningRate: Float
    public let seconds: Double
}
