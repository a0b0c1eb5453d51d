import AnnealData
import AnnealNN
import AnnealOptim
import AnnealTensor

/// Trains the raw weights but evaluates, reports and keeps their exponential
/// moving average (`ExponentialMovingAverage`): the average is updated after
/// every step and swapped into the model when the epoch's steps are done, so
/// evaluation, early stopping, checkpoints and the weights a run ends with all
/// see the averaged model; the raw weights come back when the next epoch begins.
public final class WeightAveraging: StatefulCallback {
    /// The average's decay d per optimizer step, in [0, 1): avg ← d·avg + (1 − d)·w,
    /// spanning about 1/(1 − d) steps (smaller over the first updates, see
    /// `ExponentialMovingAverage.effectiveDecay(update:)`).
    public let decay: Float
    /// The moving average (nil until the first `fitBegin` or a restore starts it).
    public private(set) var average: ExponentialMovingAverage?
    /// The raw weights while the model holds the average.
    private var rawWeights: [String: Tensor]?

    /// With `batchNormUpdate`, the run ends with one pass over its loader that
    /// recomputes batch norm's running statistics for the averaged weights.
    public let batchNormUpdate: (loader: DataLoader, preprocessing: Preprocessing)?
    /// Whether that pass ran.
    public private(set) var updatedBatchNorm = false

    /// Averages with `decay` in [0, 1); `batchNormUpdate` gives the loader and the
    /// preprocessing of the closing batch-norm pass (nil: no pass).
    public init(decay: Float, batchNormUpdate: (loader: DataLoader, preprocessing: Preprocessing)? = nil) {
        precondition(decay >= 0 && decay < 1, "WeightAveraging: decay must be in [0, 1), got \(decay)")
        self.decay = decay
        self.batchNormUpdate = batchNormUpdate
    }

    /// Starts the average at `fitBegin`, puts the raw weights back at `epochBegin`,
    /// updates the average at `batchEnd`, swaps it in at `stepsEnd`, and runs the
    /// batch-norm pass at `fitEnd`.
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
        case .fitEnd:
            guard let (loader, preprocessing) = batchNormUpdate, rawWeights != nil, !updatedBatchNorm else { return }
            StochasticWeightAveraging.updateBatchNorm(trainer.model, loader: loader, preprocessing: preprocessing)
            updatedBatchNorm = true
        default:
            break
        }
    }

    /// `weight_averaging`; what is saved under it:
    /// The average and its update count, and the raw weights while the model holds the average.
    public var stateKey: String { "weight_averaging" }

    /// The update count as JSON (-1 before the average starts); the average under
    /// `average.` and any raw weights under `raw.` as tensors.
    public func saveState() throws -> CallbackState {
        guard let average else { return try CallbackState(["updates": -1]) }
        return try CallbackState(["updates": average.updates],
                                 tensors: average.averages.prefixed("average").merging((rawWeights ?? [:]).prefixed("raw")) { a, _ in a })
    }

    /// Puts back the average and any raw weights; throws when they do not fit `trainer`'s model.
    public func restoreState(_ saved: CallbackState, trainer: Trainer) throws {
        guard let updates = try saved.decode([String: Int].self)["updates"] else { throw CheckpointError("weight_averaging: no update count") }
        guard updates >= 0 else { average = nil; rawWeights = nil; return }
        let averages = saved.tensors.under("average"), raw = saved.tensors.under("raw")
        // The weights must fit the model, or putting them in later would fail mid-run.
        try trainer.model.checkStateDict(averages)
        if !raw.isEmpty { try trainer.model.checkStateDict(raw) }
        average = ExponentialMovingAverage(averages: averages, updates: updates, decay: decay)
        rawWeights = raw.isEmpty ? nil : raw
    }
}
