/// What the training loop reports to its callbacks, in order:
/// fitBegin, then per epoch epochBegin, per batch batchBegin → afterBackward →
/// batchEnd, then stepsEnd, evaluation, epochEnd; finally fitEnd.
public enum TrainingEvent {
    /// At the start of every `fit`, resumed ones included (the plan tells which).
    case fitBegin(FitPlan)
    /// Before an epoch's first step (0-based epoch), also when it resumes mid-epoch.
    case epochBegin(epoch: Int)
    /// Before an optimizer step's forward passes and `zeroGrad` (0-based epoch, 0-based step within it).
    case batchBegin(epoch: Int, step: Int)
    /// Gradients are in place and the optimizer has not stepped yet: the hook for
    /// clipping, NaN guards and distributed all-reduce.
    case afterBackward(epoch: Int, step: Int, loss: Float)
    /// After the optimizer step.
    case batchEnd(BatchReport)
    /// The epoch's steps are done and evaluation comes next: the hook for weight
    /// averaging to put its weights in.
    case stepsEnd(epoch: Int)
    /// After the epoch's evaluation, with its record already in `Trainer.history`.
    case epochEnd(EpochRecord)
    /// At the end of every `fit`, also one a callback stopped: the whole history.
    case fitEnd([EpochRecord])
}

/// The shape of a `fit` call, known before it starts.
public struct FitPlan: Sendable {
    /// The epoch count `fit` trains up to, finished epochs included.
    public let epochs: Int
    /// The first epoch this call trains (0-based): the number of finished epochs.
    public let startEpoch: Int
    /// Steps of `startEpoch` already done (a run resumed mid-epoch), else 0.
    public let startStep: Int
    /// Optimizer steps per epoch: loader batches divided by `accumulationSteps`, rounded up.
    public let stepsPerEpoch: Int
    /// Samples in the training set.
    public let trainingSamples: Int
}

/// One finished training step.
public struct BatchReport: Sendable {
    /// The epoch, 0-based.
    public let epoch: Int
    /// The optimizer step within the epoch, 0-based.
    public let step: Int
    /// Optimizer steps in the epoch.
    public let stepsPerEpoch: Int
    /// The step's mean loss over all its samples (accumulated batches weighed by size).
    public let loss: Float
    /// Running metrics of the epoch so far.
    public let running: Metrics
    /// The optimizer's learning rate after the step (the rate the step used unless a callback changed it).
    public let learningRate: Float
    /// Training samples per second in this epoch since it started (or resumed).
    public let imagesPerSecond: Double
    /// Training seconds of the epoch so far, time before a resume included.
    public let epochSeconds: Double
}

/// One finished epoch: training metrics, evaluation metrics and timing.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// The epoch, 0-based.
    public let epoch: Int
    /// Training metrics over the epoch's steps (with data parallelism, over all ranks).
    public let train: Metrics
    /// Metrics on the evaluation loader; nil when the epoch was not evaluated (no
    /// loader, or not an `evaluateEvery` epoch).
    public let evaluation: Metrics?
    /// The rate at the epoch's first step.
    public let learningRate: Float
    /// Training time of the epoch in seconds, evaluation not included.
    public let seconds: Double
}

/// Where the epoch under way stands: its finished steps and their running
/// metrics. A checkpoint taken mid-epoch saves it; `Trainer.restore` continues there.
public struct EpochProgress: Codable, Sendable, Equatable {
    /// The epoch under way, 0-based.
    public let epoch: Int
    /// Optimizer steps of it finished.
    public let stepsDone: Int
    /// Running training metrics of those steps.
    public let metrics: Metrics
    /// The rate at the epoch's first step (what its record shows).
    public let learningRate: Float
    /// Training time of the finished steps.
    public let seconds: Double

    /// A position from its parts; `seconds` is training time in seconds.
    public init(epoch: Int, stepsDone: Int, metrics: Metrics, learningRate: Float, seconds: Double) {
        self.epoch = epoch
        self.stepsDone = stepsDone
        self.metrics = metrics
        self.learningRate = learningRate
        self.seconds = seconds
    }
}
