import AnnealNN
import AnnealOptim
import AnnealTensor

/// Trains the raw weights but evaluates, reports and keeps their exponential
/// moving average (`ExponentialMovingAverage`): the average is updated after
/// every step and swapped into the model when the epoch's steps are done, so
/// evaluation, early stopping, checkpoints and the weights a run ends with all
/// see the averaged model; the raw weights come back when the next epoch begins.
public final class WeightAveraging: TrainingCallback {
    public let decay: Float
    public private(set) var average: ExponentialMovingAverage?
    /// The raw weights while the model holds the average.
    private var rawWeights: [String: Tensor]?

    public init(decay: Float) {
        precondition(decay >= 0 && decay < 1, "WeightAveraging: decay must be in [0, 1), got \(decay)")
        self.decay = decay
    }

    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        switch event {
        case .fitBegin:
            if average == nil { average = ExponentialMovingAverage(of: trainer.model, decay: decay) }
        case .epochBegin:
            if let rawWeights { try trainer.model.loadStateDict(rawWeights) }
            rawWeights = nil
        case .batchEnd:
            average?.update(from: trainer.model)
        case .stepsEnd:
            guard let average, rawWeights == nil else { return }
            rawWeights = trainer.model.stateDict()
            average.copy(to: trainer.model)
        default:
            break
        }
    }
}
