import AnnealTraining

/// A run's configuration with every value decided, nothing optional: what `Run`
/// builds from. `RunConfig` stays the Codable description (run.json), optional
/// where the preset's recipe decides; `RunConfig.plan()` decides.
public struct RunPlan: Sendable {
    /// The resolved configuration, as run.json records it.
    public let config: RunConfig
    /// Epochs to train.
    public let epochs: Int
    /// Images per batch and rank.
    public let batchSize: Int
    /// Background threads building training batches (0: batches are built on the training thread).
    public let loaderThreads: Int
    /// The optimizer with its peak rate, weight decay and own settings.
    public let optimizer: OptimizerPlan
    /// Views averaged at every evaluation.
    public let testTimeAugmentation: TestTimeAugmentation
    /// Evaluate after every this many epochs and after the last.
    public let evaluateEvery: Int
    /// Label smoothing ε of the cross-entropy loss (0: none).
    public let labelSmoothing: Float
    /// Warmup in front of the schedule, in epochs.
    public let warmupEpochs: Double
    /// The seed every random choice of the run derives from.
    public var seed: UInt64 { config.seed }
    /// What the run evaluates on: "validation" (images held out of the training set) or "test".
    public var evaluationName: String { config.data.evaluationName }
}

extension RunConfig {
    /// The field that makes the run choose by its evaluation figures while they are
    /// the test set's (early stopping, or the plateau schedule, watching loss or
    /// accuracy without a validation split): the final test accuracy is then
    /// optimistic. nil when none does.
    public var testSetSelection: String? {
        guard !data.usesValidation, [.loss, .accuracy].contains(schedule.monitor) else { return nil }
        if control.earlyStopPatience != nil { return "control.earlyStopPatience" }
        return schedule.name == .plateau ? "schedule.name" : nil
    }

    /// The plan of this configuration: resolved, checked, every default decided.
    public func plan() throws -> RunPlan {
        let c = try resolved()
        let recipe = c.recipe
        return RunPlan(config: c, epochs: c.epochs ?? recipe.epochs, batchSize: c.data.batchSize ?? recipe.batchSize,
                       loaderThreads: c.data.loaderThreads ?? 0, optimizer: try c.optimizer.plan(recipe: recipe),
                       testTimeAugmentation: c.control.tta ?? recipe.testTimeAugmentation, evaluateEvery: c.control.evaluateEvery ?? 1,
                       labelSmoothing: c.regularization.labelSmoothing ?? recipe.labelSmoothing, warmupEpochs: c.schedule.warmupEpochs ?? 0)
    }
}
