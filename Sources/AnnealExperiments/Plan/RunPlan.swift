import AnnealTraining

/// A run's configuration with every value decided, nothing optional: what `Run`
/// builds from. `RunConfig` stays the Codable description (run.json), optional
/// where the preset's recipe decides; `RunConfig.plan()` decides.
public struct RunPlan: Sendable {
    /// The resolved configuration, as run.json records it.
    public let config: RunConfig
    public let epochs: Int
    /// Images per batch and rank.
    public let batchSize: Int
    public let loaderThreads: Int
    public let optimizer: OptimizerPlan
    /// Views averaged at every evaluation.
    public let testTimeAugmentation: TestTimeAugmentation
    /// Evaluate after every this many epochs and after the last.
    public let evaluateEvery: Int
    public let labelSmoothing: Float
    /// Warmup in front of the schedule, in epochs.
    public let warmupEpochs: Double
    public var seed: UInt64 { config.seed }
    /// Whether evaluation runs on held-out training images (else the test set).
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
