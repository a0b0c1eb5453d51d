import AnnealNN
import AnnealOptim
import AnnealTensor
import Foundation

/// Stops training once the monitored metric has not improved by more than
/// `minDelta` for `patience` epochs, and (by default) puts back the weights of
/// the best epoch, both when it stops and when training reaches its last epoch,
/// so the model a run ends with is always its best one.
///
/// The best weights are kept as a `stateDict()` snapshot: its tensors share
/// storage with the parameters until the optimizer's next in-place write copies
/// them, so a snapshot costs one copy of the weights per improving epoch.
public final class EarlyStopping: StatefulCallback {
    /// The epoch metric watched (default `.loss`: the evaluation loss, or the training loss without evaluation).
    public let monitor: MonitoredMetric
    /// Whether lower (`.min`) or higher (`.max`) values of `monitor` are better.
    public let mode: MonitorMode
    /// Epochs without improvement after which it requests the stop (≥ 1).
    public let patience: Int
    /// The least absolute change of `monitor` that counts as an improvement (≥ 0,
    /// in the metric's units: a fraction for accuracies).
    public let minDelta: Double
    /// Whether the best epoch's weights are put back at the stop and at the end of `fit`.
    public let restoresBestWeights: Bool

    /// The best value of `monitor` so far (nil before the first epoch end).
    public private(set) var best: Double?
    /// 0-based epoch of `best`.
    public private(set) var bestEpoch: Int?
    /// Epochs since the last improvement.
    public private(set) var badEpochs = 0
    /// The epoch after which it requested the stop, if it did.
    public private(set) var stoppedEpoch: Int?
    /// Whether the weights now in the model were put back from `bestEpoch`.
    public private(set) var restoredBestWeights = false
    private var bestWeights: [String: Tensor]?
    private var lastEpoch: Int?

    /// `mode` defaults to the metric's direction (loss down, accuracy up).
    public init(monitor: MonitoredMetric = .loss, mode: MonitorMode? = nil, patience: Int = 10,
                minDelta: Double = 0, restoresBestWeights: Bool = true) {
        precondition(patience >= 1, "EarlyStopping: patience must be ≥ 1, got \(patience)")
        precondition(minDelta >= 0, "EarlyStopping: minDelta must be ≥ 0, got \(minDelta)")
        self.monitor = monitor
        self.mode = mode ?? monitor.mode
        self.patience = patience
        self.minDelta = minDelta
        self.restoresBestWeights = restoresBestWeights
    }

    /// One line for logs: "early stopping: best loss 0.3012 at epoch 7 (stopped after epoch 10, best weights restored)".
    public var summary: String {
        guard let best, let bestEpoch else { return "early stopping: no \(monitor.rawValue) recorded" }
        var line = "early stopping: best \(monitor.rawValue) \(String(format: "%.6g", best)) at epoch \(bestEpoch + 1)"
        var notes: [String] = []
        if let stoppedEpoch { notes.append("stopped after epoch \(stoppedEpoch + 1)") }
        if restoredBestWeights { notes.append("best weights restored") }
        if !notes.isEmpty { line += " (" + notes.joined(separator: ", ") + ")" }
        return line
    }

    /// Starts afresh at the `fitBegin` of a run that is not resumed, judges each
    /// `epochEnd` (setting `trainer.stopRequested` after `patience` bad epochs), and
    /// restores the best weights at the stop and at `fitEnd`.
    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        switch event {
        case .fitBegin(let plan) where plan.startEpoch == 0 && plan.startStep == 0:
            best = nil; bestEpoch = nil; badEpochs = 0; stoppedEpoch = nil
            restoredBestWeights = false; bestWeights = nil; lastEpoch = nil
        case .epochEnd(let record):
            lastEpoch = record.epoch
            let value = monitor.value(in: record)
            if mode.isImprovement(value, over: best, threshold: minDelta, thresholdMode: .absolute) {
                best = value
                bestEpoch = record.epoch
                badEpochs = 0
                if restoresBestWeights { bestWeights = trainer.model.stateDict() }
            } else {
                badEpochs += 1
                if badEpochs >= patience {
                    stoppedEpoch = record.epoch
                    trainer.stopRequested = true
                    try restoreBest(into: trainer.model)
                }
            }
        case .fitEnd:
            try restoreBest(into: trainer.model)
        default:
            break
        }
    }

    /// Loads the best snapshot unless the model already holds it.
    private func restoreBest(into model: Module) throws {
        guard restoresBestWeights, !restoredBestWeights, let weights = bestWeights, bestEpoch != lastEpoch else { return }
        try model.loadStateDict(weights)
        restoredBestWeights = true
    }

    private struct State: Codable {
        var best: Double?, bestEpoch: Int?, badEpochs: Int, stoppedEpoch: Int?, restoredBestWeights: Bool, lastEpoch: Int?
    }

    /// The key of this callback's state in a checkpoint: `early_stopping`.
    public var stateKey: String { "early_stopping" }

    /// The counters and best value as JSON, and the best epoch's weights as tensors.
    public func saveState() throws -> CallbackState {
        try CallbackState(State(best: best, bestEpoch: bestEpoch, badEpochs: badEpochs, stoppedEpoch: stoppedEpoch,
                                restoredBestWeights: restoredBestWeights, lastEpoch: lastEpoch),
                          tensors: bestWeights ?? [:])
    }

    /// Puts back the counters and the best weights; throws when the weights do not fit `trainer`'s model.
    public func restoreState(_ saved: CallbackState, trainer: Trainer) throws {
        let s = try saved.decode(State.self)
        (best, bestEpoch, badEpochs, stoppedEpoch, restoredBestWeights, lastEpoch) =
            (s.best, s.bestEpoch, s.badEpochs, s.stoppedEpoch, s.restoredBestWeights, s.lastEpoch)
        if !saved.tensors.isEmpty { try trainer.model.checkStateDict(saved.tensors) }
        bestWeights = saved.tensors.isEmpty ? nil : saved.tensors
    }
}
