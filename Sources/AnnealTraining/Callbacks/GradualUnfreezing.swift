import AnnealNN

/// Gradual unfreezing (Howard & Ruder 2018): the first `every` epochs train only the
/// top layer group (the head), each further `every` epochs one more group down the
/// network. What is frozen is a function of the epoch, so a resumed run sets it
/// again from its position and needs no saved state.
public final class GradualUnfreezing: TrainingCallback {
    /// Epochs each stage lasts before the next layer group down is unfrozen (≥ 1).
    public let every: Int

    /// Unfreezes one more layer group every `every` epochs.
    public init(every: Int) {
        precondition(every >= 1, "GradualUnfreezing: every \(every) must be at least 1")
        self.every = every
    }

    /// Freezes all but the top `1 + epoch / every` layer groups of `model`.
    public static func apply(to model: Module, epoch: Int, every: Int) {
        let groups = model.layerGroups
        let trainable = min(groups.count, 1 + epoch / every)
        for (i, group) in groups.enumerated() { model.freeze(prefix: group + ".", i < groups.count - trainable) }
    }

    /// Sets what is frozen at `fitBegin` (from the plan's start epoch, so a resumed run
    /// gets it right) and at every `epochBegin`.
    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        switch event {
        case .fitBegin(let plan): Self.apply(to: trainer.model, epoch: plan.startEpoch, every: every)
        case .epochBegin(let epoch): Self.apply(to: trainer.model, epoch: epoch, every: every)
        default: break
        }
    }
}
