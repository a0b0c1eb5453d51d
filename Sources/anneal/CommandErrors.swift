import Anneal
import ArgumentParser

/// A failure reported to the user as one line (the library's words, with
/// configuration fields renamed to the options that set them).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The command-line option that sets each `RunConfig` field.
let optionForField: [String: String] = [
    "epochs": "--epochs", "seed": "--seed",
    "model.name": "--model", "model.activation": "--activation", "model.initializer": "--init", "model.initStd": "--init-std",
    "model.initGain": "--init-gain", "optimizer.nesterov": "--nesterov", "model.hidden": "--hidden", "model.widths": "--widths", "model.stemPatch": "--stem-patch", "model.whitenedStem": "--whitened-stem", "model.dropout": "--dropout",
    "model.zeroInitResidual": "--zero-init-residual", "model.pool": "--pool", "model.batchNorm": "--batchnorm-off",
    "model.dropConnect": "--dropconnect", "model.stochasticDepth": "--stochastic-depth",
    "optimizer.name": "--optimizer", "optimizer.learningRate": "--lr", "optimizer.momentum": "--momentum",
    "optimizer.weightDecay": "--weight-decay",
    "schedule.name": "--schedule", "schedule.warmupEpochs": "--warmup", "schedule.warmupShape": "--warmup-mode",
    "schedule.warmupStartFactor": "--warmup-start-factor", "schedule.milestones": "--milestones", "schedule.gamma": "--gamma",
    "schedule.minLearningRate": "--min-lr", "schedule.firstCycleEpochs": "--t0", "schedule.cycleMultiplier": "--t-mult",
    "schedule.power": "--power", "schedule.pctStart": "--pct-start", "schedule.plateauPatience": "--plateau-patience",
    "schedule.plateauFactor": "--plateau-factor", "schedule.plateauThreshold": "--plateau-threshold",
    "schedule.plateauCooldown": "--plateau-cooldown", "schedule.monitor": "--monitor", "schedule.scaleWithBatch": "--scale-lr-with-batch",
    "data.dataset": "--data", "data.testDataset": "--test-data", "data.imageSize": "--image-size",
    "data.skipBadImages": "--skip-bad-images", "model.inputShape": "--image-size", "data.directory": "--data-dir", "data.batchSize": "--batch-size", "data.trainSubset": "--train-subset",
    "data.validationSplit": "--val-split", "data.normalize": "--normalize", "data.whiten": "--whiten",
    "data.pcaComponents": "--pca-components", "data.whitenEpsilon": "--whiten-epsilon", "data.augment": "--augment",
    "data.loaderThreads": "--loader-threads", "data.classes": "--classes", "data.perClass": "--per-class",
    "model.classes": "--num-classes", "transfer.initFrom": "--init-from", "transfer.allowPartial": "--allow-partial", "transfer.resetHead": "--reset-head",
    "transfer.freeze": "--freeze", "transfer.freezeUntil": "--freeze-until", "transfer.backboneLearningRateScale": "--backbone-lr-scale",
    "transfer.unfreezeEvery": "--unfreeze-every", "parallel.syncBatchNorm": "--sync-bn", "parallel.bucketMegabytes": "--bucket-mb", "parallel.accumulate": "--accumulate", "parallel.pipelineStages": "--pipeline-stages", "parallel.microBatches": "--micro-batches", "parallel.pipelineSchedule": "--pipeline-schedule",
    "regularization.l1": "--l1", "regularization.l2": "--l2", "regularization.labelSmoothing": "--label-smoothing",
    "regularization.maxNorm": "--max-norm",
    "control.earlyStopPatience": "--early-stop", "control.earlyStopMinDelta": "--min-delta", "control.clipNorm": "--clip-norm",
    "control.clipValue": "--clip-value", "control.nanGuard": "--no-nan-guard", "control.nanGuardEvery": "--nan-guard-every",
    "control.ema": "--ema", "control.tta": "--tta", "control.evaluateEvery": "--eval-every", "control.checkpointEvery": "--checkpoint-every",
    "control.snapshots": "--snapshots", "control.swaStartEpoch": "--swa-start", "control.swaLearningRate": "--swa-lr", "control.swaEvery": "--swa-every", "control.emaBatchNormUpdate": "--ema-bn-update", "control.tensorboard": "--no-tensorboard", "control.histogramsEvery": "--histograms-every", "schedule.cycles": "--schedule cosine-restarts cycles",
]

/// Runs `body`, turning configuration errors into one line that names the option
/// (or, for a field without one, the field) instead of the library's field path.
func reportingConfigErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ConfigError {
        guard let field = error.field else { throw CommandError(error.message) }
        throw CommandError("\(optionForField[field] ?? field): \(error.message)")
    }
}
