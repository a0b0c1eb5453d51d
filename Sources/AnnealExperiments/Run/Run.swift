import AnnealData
import AnnealDistributed
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// One training run, built from a `RunConfig` in one place and in one order:
///
/// 1. resolve the configuration (the preset's recipe fills what it leaves unset)
///    and write it to `DIR/run.json`;
/// 2. read the data (test set, or a validation split of the
///    training images); fit the preprocessing on the training images; wrap them in
///    the augmentation and the shuffled loader;
/// 3. build the model (input width from the data; its weights from the seed, in a
///    `GlobalRandom.withSeed` scope), the optimizer, the schedule
///    and the loss (label smoothing, penalties);
/// 4. the callbacks, in the order they must see each event: the scheduler sets the
///    rate before anything looks at a step (with SWA, its constant rate takes over
///    at its start); the NaN guard sees raw gradients before clipping edits them;
///    early stopping; EMA; max-norm after the step; SWA; snapshots; the caller's
///    callbacks; metrics.csv; checkpoints last, once every other callback has
///    updated its state.
///
/// `fit()` trains (from the newest checkpoint when resumed), writes
/// `DIR/model.safetensors` and returns the outcome. `Run.resume(directory:)`
/// rebuilds a run from its `run.json` and continues exactly where it stopped.
public final class Run {
    /// Every value the run uses, decided.
    public let plan: RunPlan
    /// The resolved configuration (what `run.json` holds).
    public var config: RunConfig { plan.config }
    /// The run's directory: run.json, checkpoints, metrics.csv, the weights and the reports go here (rank 0 writes).
    public let directory: String
    /// The training images (without the validation split, if any), before preprocessing and augmentation.
    public let trainingSet: any Dataset
    /// The test set, or the validation split.
    public let evaluationSet: any Dataset
    /// The normalization, whitening or PCA fitted on the training images; saved with the weights.
    public let preprocessing: Preprocessing
    /// The training images' augmentation, parsed from `data.augment` (empty: none).
    public let augmentation: AugmentationSpec
    /// This rank's share of the training images (all of them in a single process).
    public let trainLoader: DataLoader
    /// This rank's share of the evaluation images.
    public let evaluationLoader: DataLoader
    /// All the evaluation images, whatever the rank.
    let fullEvaluationLoader: DataLoader
    /// The ranks the run is spread over (data parallelism); rank 0 writes the files.
    public let group: any ProcessGroup
    /// Averages the gradients over the ranks (nil in a single process and in a pipeline).
    public let gradientAllReduce: GradientAllReduce?
    /// This rank's pipeline stage (nil unless `parallel.pipelineStages` > 1).
    public let pipeline: PipelineStage?
    /// The model's configuration as built (with the input width the data gives).
    public let modelConfig: ModelConfig
    /// The layers, widths and activations `modelConfig` resolved to (what `anneal` prints and run.json records).
    public let modelPlan: ModelPlan
    /// The network being trained (after the run, with its final weights).
    public let model: Module
    /// The optimizer over every parameter of `model` (frozen ones are skipped).
    public let optimizer: Optimizer
    /// The training loop, with the run's callbacks in order and the checkpoint writer last.
    public let trainer: Trainer
    /// Early stopping on `schedule.monitor`, when `control.earlyStopPatience` is set.
    public let earlyStopping: EarlyStopping?
    /// Exponential moving average of the weights, when configured.
    public let weightAveraging: WeightAveraging?
    /// Stochastic weight averaging, when configured.
    public let swa: StochasticWeightAveraging?
    /// With `transfer.initFrom`: the tensors that did not fit and kept their fresh
    /// initialization (empty when every tensor loaded).
    public let transferReport: StateDictMismatch
    /// What a resumed run continued from (nil for a fresh run).
    public private(set) var resumedFrom: Checkpoint.Progress?
    /// Lines about damaged checkpoints passed over when resuming.
    public private(set) var warnings: [String] = []
    /// Asked at every step boundary: true stops the run after the step, with a
    /// checkpoint there, by throwing `TrainingPreempted` from `fit`. By default, a
    /// signal that `Preemption.catchSignals` caught (or `Preemption.request()`).
    public var isStopRequested: () -> Bool = { Preemption.isRequested }
    private var stopped = false
    /// This process's claim on `directory` (rank 0's; nil on the other ranks).
    private let lock: DirectoryLock?

    /// The resolved configuration's file in the run's directory.
    public static let configFileName = "run.json"
    /// The final weights' file in the run's directory, with the model configuration and preprocessing.
    public static let weightsFileName = "model.safetensors"
    /// The training curves' plot in the run's directory, written with the curve diagnosis.
    public static let curvesFileName = "curves.png"
    /// The first layer's filters (`FilterGrid`) before the first step and after the last.
    public static let startFiltersFileName = "filters-start.png", endFiltersFileName = "filters-end.png"

    /// Snapshot k (1-based) of a snapshot ensemble.
    public static func snapshotFileName(_ k: Int) -> String { "snapshot-\(k).safetensors" }

    /// Builds a fresh run writing into `directory`: `run.json` first; refuses a
    /// directory that holds an unfinished run unless `overwrite`. `callbacks` come
    /// after the run's own (progress bars, extra logging); they must not change
    /// what training computes.
    ///
    /// With a `group` of several ranks (data parallelism) every rank builds the same
    /// run; each trains on its share of every batch, gradients are averaged, and
    /// rank 0 alone writes files.
    public convenience init(_ config: RunConfig, directory: String, callbacks: [TrainingCallback] = [], overwrite: Bool = false,
                            group: any ProcessGroup = SingleProcess()) throws {
        let plan = try config.plan()
        try Self.checkRanks(plan.config, group)
        // One writer per directory: claimed before anything in it is read or cleared.
        var lock: DirectoryLock?
        if group.isWriter {
            try Directory.create(directory)
            lock = try DirectoryLock(directory)
        }
        if !overwrite, let (checkpoint, _) = try? Checkpoint.newest(in: directory) {
            let done = checkpoint.progress.history.count
            throw ConfigError("\(directory) holds an unfinished run (\(done) of its epochs done): resume it, or start over in it with overwrite")
        }
        // Every rank has looked before rank 0 clears the directory.
        try group.barrier()
        if group.isWriter {
            Checkpoint.removeFiles(in: directory)
            // Event files of an earlier run in this directory would mix into this one's curves.
            TensorBoardEventFile.removeFiles(in: directory)
            try AtomicFile.write(try plan.config.jsonData(), to: "\(directory)/\(Run.configFileName)")
        }
        try self.init(plan: plan, directory: directory, callbacks: callbacks, group: group, lock: lock)
    }

    /// Starts `config` in `directory`, or continues it there: when the directory holds
    /// an unfinished checkpoint of the same configuration (a job started again after a
    /// preemption or a crash), this is `resume(directory:)`; an unfinished run of
    /// another configuration is refused. So one command both starts a run and, run
    /// again, finishes it. `overwrite` starts over whatever the directory holds.
    public static func startOrResume(_ config: RunConfig, directory: String, callbacks: [TrainingCallback] = [], overwrite: Bool = false,
                                     group: any ProcessGroup = SingleProcess()) throws -> Run {
        if !overwrite, try unfinishedCheckpoint(of: config, in: directory) != nil {
            return try resume(directory: directory, callbacks: callbacks, group: group)
        }
        return try Run(config, directory: directory, callbacks: callbacks, overwrite: overwrite, group: group)
    }

    /// Where the unfinished run of `config` in `directory` stands (its newest intact
    /// checkpoint's progress: position, threads, ranks), or nil when the directory
    /// holds no checkpoint. Throws when the checkpoint belongs to another configuration,
    /// naming the fields that differ.
    public static func unfinishedCheckpoint(of config: RunConfig, in directory: String) throws -> Checkpoint.Progress? {
        guard let (checkpoint, _) = try? Checkpoint.newest(in: directory) else { return nil }
        let mine = try config.resolved()
        let saved = try? RunConfig.decode(Data(checkpoint.progress.config.utf8), source: "checkpoint").resolved()
        guard let saved, saved != mine else { return checkpoint.progress }
        let fields = try mine.differingFields(from: saved)
        throw ConfigError("\(directory) holds an unfinished run of another configuration (\(fields.prefix(4).joined(separator: ", "))"
                          + (fields.count > 4 ? ", …" : "") + " differ): resume it with 'anneal resume \(directory)', or start over with overwrite")
    }

    /// The ranks and threads to continue the unfinished run in `directory` with: the
    /// ones given, else its checkpoint's, which results identical to the bit need (nil
    /// where neither says). With `config`, the run there must be of this configuration
    /// (`unfinishedCheckpoint`); without, any run. Refuses ranks other than the checkpoint's.
    public static func processCounts(continuing directory: String, config: RunConfig?, ranks: Int?, threads: Int?) throws
        -> (ranks: Int?, threads: Int?) {
        let saved = try config.map { try unfinishedCheckpoint(of: $0, in: directory) } ?? (try? Checkpoint.newest(in: directory))?.checkpoint.progress
        if let given = ranks, let savedRanks = saved?.ranks, given != savedRanks {
            throw ConfigError("\(directory): its unfinished run was checkpointed by \(savedRanks) rank\(savedRanks == 1 ? "" : "s") and goes on "
                              + "only on as many (--ranks \(savedRanks)), or starts over with overwrite")
        }
        return (ranks ?? saved?.ranks, threads ?? saved?.threads)
    }

    /// Rebuilds the run saved in `directory` (its `run.json`) and restores its newest
    /// intact checkpoint, if any (without one it starts from the beginning).
    public static func resume(directory: String, callbacks: [TrainingCallback] = [], group: any ProcessGroup = SingleProcess()) throws -> Run {
        let path = "\(directory)/\(configFileName)"
        guard Directory.fileExists(path) else { throw ConfigError("\(directory): no \(configFileName) here, so no run to resume") }
        let plan = try RunConfig.read(path).plan(), config = plan.config
        let lock = group.isWriter ? try DirectoryLock(directory) : nil
        let newest = try Checkpoint.newest(in: directory)
        if newest == nil && isComplete(directory: directory) {
            throw ConfigError("\(directory): the run is complete (\(weightsFileName) is written and no checkpoint is left)")
        }
        // A checkpoint holds every weight: the run does not need its --init-from file again.
        let run = try Run(plan: plan, directory: directory, callbacks: callbacks, group: group, lock: lock, loadsInitialWeights: newest == nil)
        if let (checkpoint, warnings) = newest {
            run.warnings += warnings
            // Compared decoded, so a checkpoint written before a field was added still matches.
            let saved = try? RunConfig.decode(Data(checkpoint.progress.config.utf8), source: "checkpoint").resolved()
            guard saved == config else {
                throw CheckpointError("\(directory): the checkpoint was written by another configuration than \(configFileName)")
            }
            let done = checkpoint.progress.history.count, steps = checkpoint.progress.epochProgress?.stepsDone ?? 0
            guard done <= plan.epochs, steps < run.trainer.stepsPerEpoch(run.trainLoader) else {
                throw CheckpointError("\(directory): the checkpoint's position (\(done) epochs and \(steps) steps) lies outside the run")
            }
            if let ranks = checkpoint.progress.ranks, ranks != group.size {
                throw ConfigError("\(directory): the run was checkpointed by \(ranks) rank\(ranks == 1 ? "" : "s") and this job has \(group.size); "
                                  + "its exact continuation needs \(ranks) (anneal resume \(directory) starts them)")
            }
            try checkpoint.restore(into: run.trainer)
            // The checkpoint holds the whole run's running metrics: rank 0 continues them, the others start at zero.
            if !group.isWriter, let partial = checkpoint.progress.epochProgress {
                run.trainer.restore(history: checkpoint.progress.history,
                                    progress: EpochProgress(epoch: partial.epoch, stepsDone: partial.stepsDone, metrics: Metrics(k: partial.metrics.k),
                                                            learningRate: partial.learningRate, seconds: partial.seconds))
            }
            run.resumedFrom = checkpoint.progress
            run.stopped = checkpoint.progress.stopped
            if checkpoint.progress.threads != Threads.count {
                run.warnings.append("warning: the run used \(checkpoint.progress.threads) threads and continues with \(Threads.count); "
                                    + "results differ from an uninterrupted run in the last bits")
            }
        }
        return run
    }

    /// `ModelConfig.whitenedStem`: the first convolution from the patches of (up to)
    /// the first 2,000 training images, preprocessed as the model receives them.
    private static func whitenFirstConvolution(of model: Module, trainingSet: any Dataset, preprocessing: Preprocessing) throws {
        guard let first = model.namedModules().lazy.compactMap({ $0.module as? Conv2d }).first,
              let batch = DataLoader(trainingSet, batchSize: min(2000, trainingSet.count)).batches(epoch: 0).first(where: { _ in true }) else { return }
        do { try PatchWhitening.initialize(first, images: preprocessing.apply(batch.inputs)) } catch {
            throw ConfigError(field: "model.whitenedStem", "the patch covariance has no eigendecomposition: \(error)")
        }
    }

    /// A pipeline takes one rank per stage.
    private static func checkRanks(_ config: RunConfig, _ group: any ProcessGroup) throws {
        let stages = config.parallel.pipelineStages
        guard stages == 1 || stages == group.size else {
            throw ConfigError(field: "parallel.pipelineStages",
                              "\(stages) stages need \(stages) ranks (--ranks \(stages), or mpirun -np \(stages)); this job has \(group.size)")
        }
    }

    /// Whether the run in `directory` finished: its weights (`weightsFile`, or a
    /// snapshot's) are written and no checkpoint is left.
    public static func isComplete(directory: String, weightsFile: String = weightsFileName) -> Bool {
        Directory.fileExists("\(directory)/\(weightsFile)")
            && !Directory.fileExists("\(directory)/\(Checkpoint.fileName)")
            && !Directory.fileExists("\(directory)/\(Checkpoint.previousFileName)")
    }

    private init(plan: RunPlan, directory: String, callbacks extra: [TrainingCallback], group: any ProcessGroup,
                 lock: DirectoryLock?, loadsInitialWeights: Bool = true) throws {
        self.lock = lock
        self.plan = plan
        let config = plan.config
        self.directory = directory
        self.group = group
        let writer = group.isWriter
        let stages = config.parallel.pipelineStages
        try Self.checkRanks(config, group)
        // Data parallelism shards the batches; pipeline stages all see the same ones.
        let dataParallel = group.isDistributed && stages == 1

        let warnings: [String]
        (trainingSet, evaluationSet, warnings) = try config.loadData()
        self.warnings = warnings
        augmentation = try config.data.augmentation()
        preprocessing = try config.fitPreprocessing(on: trainingSet)
        // Whole-set loaders for what every rank computes alike (batch-norm statistics, the confusion matrix).
        let fullTrainLoader = config.makeTrainLoader(trainingSet, augmentation: augmentation)
        fullEvaluationLoader = DataLoader(evaluationSet, batchSize: 1000)
        trainLoader = dataParallel ? fullTrainLoader.sharded(rank: group.rank, of: group.size, padded: true) : fullTrainLoader
        evaluationLoader = group.isDistributed ? fullEvaluationLoader.sharded(rank: group.rank, of: group.size, padded: false) : fullEvaluationLoader

        let modelConfig = try config.modelConfig(for: trainingSet, inputShape: preprocessing.outputShape(for: trainingSet.sampleShape))
        self.modelConfig = modelConfig
        // A seed scope of the run's own: the weights do not depend on what other threads draw.
        let modelPlan = try modelConfig.plan(recipe: config.recipe)
        self.modelPlan = modelPlan
        model = GlobalRandom.withSeed(config.seed) { modelPlan.makeModel() }
        transferReport = loadsInitialWeights ? try config.transfer.loadInitialWeights(into: model) : StateDictMismatch()
        if modelPlan.architecture.whitenedStem && loadsInitialWeights && config.transfer.initFrom == nil {
            try Self.whitenFirstConvolution(of: model, trainingSet: trainingSet, preprocessing: preprocessing)
        }
        // The optimizer holds every parameter; it skips frozen ones, so unfreezing needs no new optimizer.
        optimizer = try config.optimizer.makeOptimizer(for: model, backboneLearningRateScale: config.transfer.backboneLearningRateScale)
        try config.transfer.applyFreezing(to: model)
        try GradientAllReduce.broadcastState(of: model, in: group)
        let stepsPerEpoch = (trainLoader.count + config.parallel.accumulate - 1) / config.parallel.accumulate
        let schedule = try config.makeSchedule(stepsPerEpoch: stepsPerEpoch, ranks: dataParallel ? group.size : 1)
        if stages > 1 {
            let microBatch = max(1, plan.batchSize / config.parallel.microBatches)
            var batches = DataLoader(trainingSet, batchSize: min(microBatch, trainingSet.count)).batches(epoch: 0).makeIterator()
            guard let sample = batches.next() else { throw ConfigError(field: "data.dataset", "no training images to cut the model into stages with") }
            pipeline = try PipelineStage(model: model, group: group, microBatches: config.parallel.microBatches,
                                         schedule: config.parallel.pipelineSchedule, sample: preprocessing.apply(sample.inputs))
        } else {
            pipeline = nil
        }

        let control = config.control
        var callbacks: [TrainingCallback] = [LearningRateScheduler(schedule, monitor: config.schedule.monitor)]
        gradientAllReduce = dataParallel
            ? GradientAllReduce(group: group, bucketBytes: Int(config.parallel.bucketMegabytes * 1_048_576)) : nil
        if group.isDistributed && config.parallel.syncBatchNorm {
            for case let norm as BatchNorm in model.namedModules().map(\.module) { norm.crossReplicaSum = { [group] in group.differentiableSum($0) } }
        }
        if let gradientAllReduce { callbacks.append(gradientAllReduce) }
        // A pipeline's rank 0 holds the other stages' weights only from the end of an epoch.
        if let pipeline { callbacks.append(pipeline) }
        if let every = config.transfer.unfreezeEvery { callbacks.append(GradualUnfreezing(every: every)) }
        if control.nanGuard {
            let path = "\(directory)/last-good.safetensors", preprocessing = self.preprocessing
            callbacks.append(NaNGuard(snapshotEvery: control.nanGuardEvery, save: writer && pipeline == nil ? { state in
                try WeightsFile(state: state, model: modelConfig, preprocessing: preprocessing).write(to: path)
                return path
            } : nil))
        }
        if control.clipNorm != nil || control.clipValue != nil {
            callbacks.append(GradientClipping(maxNorm: control.clipNorm, maxValue: control.clipValue))
        }
        earlyStopping = control.earlyStopPatience.map {
            EarlyStopping(monitor: config.schedule.monitor, patience: $0, minDelta: control.earlyStopMinDelta)
        }
        if let earlyStopping { callbacks.append(earlyStopping) }
        let (preprocessing, model) = (self.preprocessing, self.model)
        weightAveraging = control.ema.map {
            WeightAveraging(decay: $0, batchNormUpdate: control.emaBatchNormUpdate ? (fullTrainLoader, preprocessing) : nil)
        }
        if let weightAveraging { callbacks.append(weightAveraging) }
        if let maxNorm = config.regularization.maxNorm { callbacks.append(MaxNormConstraint(maxNorm: maxNorm)) }
        swa = control.swaStartEpoch.map {
            StochasticWeightAveraging(startEpoch: $0 - 1, every: control.swaEvery, statisticsLoader: fullTrainLoader, preprocessing: preprocessing)
        }
        if let swa { callbacks.append(swa) }
        if control.snapshots != nil && writer {
            let steps = config.schedule.cycleEnds(epochs: plan.epochs, stepsPerEpoch: stepsPerEpoch)
            callbacks.append(SnapshotWriter(snapshotSteps: steps) { k in
                try WeightsFile(model: model, config: modelConfig, preprocessing: preprocessing)
                    .write(to: "\(directory)/\(Run.snapshotFileName(k))")
            })
        }
        callbacks += extra
        // After clipping and max-norm, so that it sees the step as applied; on every rank, as its probe
        // pass takes part in synchronized batch norm; rank 0 writes.
        let watch = try control.watchEvery.map { [pipeline, trainingSet] every in
            guard pipeline == nil else {
                throw ConfigError(field: "control.watchEvery", "watches a whole model in one process; pipeline stages hold parts of it")
            }
            let probe = RecipeSupport.smallSample(trainingSet, k: min(LayerWatch.probeImages, trainingSet.count))
            return LayerWatch(model: model, every: every, probe: preprocessing.apply(probe.inputs),
                              csvPath: writer ? "\(directory)/\(LayerWatch.fileName)" : nil)
        }
        if let watch { callbacks.append(watch) }
        if writer { callbacks.append(MetricsCSVWriter(path: "\(directory)/metrics.csv")) }
        var evaluate: (() -> ConfusionMatrix?)?   // set once self is complete
        if control.tensorboard && writer {
            let (trainingSet, augmentation, seed) = (trainingSet, augmentation, config.seed)
            let logger = try TensorBoardLogger(
                directory: directory, configuration: try config.jsonData(), evaluationName: config.data.evaluationName,
                histogramsEvery: control.histogramsEvery,
                preview: { augmentation.pipeline.isEmpty && augmentation.batchTransform == nil || trainingSet.sampleShape.count != 3 || trainingSet.count == 0 ? nil
                           : AugmentationPreview.grid(trainingSet, spec: augmentation, seed: seed) },
                confusion: { evaluate?() },
                filters: { [model, preprocessing] in FilterGrid.image(of: model, inputShape: preprocessing.outputShape(for: trainingSet.sampleShape)) })
            callbacks.append(logger)
            watch?.listeners.append { try logger.logLayers($0, step: $1) }
        }

        var settings = Trainer.Settings(preprocessing: preprocessing, testTimeAugmentation: plan.testTimeAugmentation,
                                        evaluateEvery: plan.evaluateEvery, accumulationSteps: config.parallel.accumulate)
        settings.combineMetrics = { try $0.summed(over: group) }
        if let pipeline { settings.forwardBackward = { trainer, batch, share in try pipeline.forwardBackward(batch, share: share, trainer: trainer) } }
        trainer = Trainer(model: model, optimizer: optimizer, callbacks: callbacks, lossFunction: config.makeLossFunction(for: model, classCounts: config.data.classWeights == .balanced ? trainingSet.classCounts : []), settings: settings)
        // Every rank takes part (the running metrics are summed over the ranks); rank 0 writes.
        trainer.callbacks.append(CheckpointWriter(every: control.checkpointEvery, directory: directory, group: group, midEpoch: pipeline == nil,
                                                  asked: { [unowned self] in self.isStopRequested() }) { [unowned self] in
            try self.saveCheckpoint()
        })
        evaluate = { [unowned self] in self.confusionMatrix() }
    }

    /// The first layer's filters as they are now (nil for a model whose first layer shows no picture).
    public func firstLayerFilters() -> Bitmap? {
        FilterGrid.image(of: model, inputShape: preprocessing.outputShape(for: trainingSet.sampleShape))
    }

    /// Writes the run's state now (the `CheckpointWriter` calls this).
    public func saveCheckpoint() throws {
        let metrics = try trainer.progress.map { try $0.metrics.summed(over: group) }
        guard group.isWriter else { return }
        try Checkpoint.capture(trainer, config: config, threads: Threads.count, ranks: group.size, stopped: trainer.stopRequested, epochMetrics: metrics)
            .write(toDirectory: directory)
    }

    /// The model's predictions on the evaluation set against its labels.
    public func confusionMatrix() -> ConfusionMatrix {
        ConfusionMatrix(scores: evaluationScores(), labels: (0..<evaluationSet.count).map(evaluationSet.label(at:)))
    }

    /// The model's scores for every evaluation image ([N, C], as `Evaluator.predict`
    /// gives them): the last epoch's, where they describe the weights the model
    /// holds now, else computed.
    public func evaluationScores() -> Tensor {
        if !group.isDistributed && !finalWeightsReplaced, let scores = trainer.finalEvaluationScores { return scores }
        return trainer.evaluator.predict(model, on: fullEvaluationLoader)
    }

    /// Whether the weights were replaced after the last epoch's evaluation: by the
    /// best epoch's (early stopping) or by an average with recomputed batch norm.
    private var finalWeightsReplaced: Bool {
        earlyStopping?.restoredBestWeights == true || swa?.applied == true || weightAveraging?.updatedBatchNorm == true
    }

    /// What the run evaluates on: "validation" (images held out of the training set) or "test".
    public var evaluationName: String { plan.evaluationName }

    /// What the run is about to do, for the log: model, optimizer and schedule,
    /// data, then weight averaging and test-time augmentation when on.
    public var summary: [String] {
        let c = config, notes = modelPlan.architecture.notes
        let smoothing = plan.labelSmoothing, batch = plan.batchSize
        var lines = ["model \(c.model.name.rawValue): \(model.parameterCount) parameters"
            + (notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))") + "; "
            + "optimizer \(c.optimizer.name.rawValue) lr \(plan.optimizer.learningRate) (\(c.schedule.name.rawValue)"
            + (plan.warmupEpochs > 0 ? String(format: ", warmup %g epochs", plan.warmupEpochs) : "") + "), "
            + plan.optimizer.hyperparameters
            + (smoothing > 0 ? "; label smoothing \(smoothing)" : "")
            + "; \(plan.epochs) epochs of \(trainingSet.count) training images, batch \(batch), \(Threads.count) threads",
            "data \(c.data.dataset): \(trainingSet.count) training images of \(trainingSet.sampleShape.map(String.init).joined(separator: "×")) "
                + "in \(trainingSet.classCount) classes; \(evaluationSet.count) \(evaluationName) images"
                + (c.data.testDataset.map { " from \($0)" } ?? ""),
            "preprocessing: \(preprocessing.summary); augmentation: \(augmentation); loader threads: \(plan.loaderThreads)"]
        if let pipeline {
            let total = pipeline.linkSeconds.reduce(0, +)
            let stages = pipeline.partition.enumerated().map { s, links in
                let share = pipeline.linkSeconds[links].reduce(0, +) / max(total, 1e-12)
                return "stage \(s + 1) links \(links.lowerBound + 1)–\(links.upperBound) (\(Int((share * 100).rounded())) % of the time)"
            }
            lines.append("pipeline: \(pipeline.stages) stages × \(pipeline.microBatches) micro-batches per batch of \(batch), "
                         + "\(c.parallel.pipelineSchedule.rawValue) schedule; " + stages.joined(separator: ", "))
        } else if group.isDistributed {
            lines.append("data parallel: \(group.size) ranks × batch \(batch) = \(group.size * batch) images per step, "
                         + "\(trainLoader.samplesPerEpoch) training images per rank and epoch, gradients averaged")
        }
        if c.parallel.accumulate > 1 {
            lines.append("gradient accumulation: \(c.parallel.accumulate) batches per optimizer step "
                         + "(\(c.parallel.accumulate * batch * (pipeline == nil ? group.size : 1)) images per step)")
        }
        if let decay = c.control.ema {
            lines.append("weight averaging: exponential moving average, decay \(decay)"
                         + (c.control.emaBatchNormUpdate ? ", batch norm recomputed at the end" : ""))
        }
        if plan.testTimeAugmentation != .none { lines.append("test-time augmentation: \(plan.testTimeAugmentation.rawValue)") }
        if let k = c.control.snapshots { lines.append("snapshot ensemble: \(k) cosine cycles, snapshot-1 … snapshot-\(k).safetensors") }
        if let e = c.control.swaStartEpoch {
            lines.append("stochastic weight averaging from epoch \(e)" + (c.control.swaLearningRate.map { " at lr \($0)" } ?? "")
                         + (c.control.swaEvery.map { ", every \($0) steps" } ?? ", every epoch end")
                         + ", batch norm recomputed at the end")
        }
        let t = c.transfer
        if let path = t.initFrom {
            lines.append("initialized from \(path)" + (t.resetHead ? ", head reset" : "")
                         + (transferReport.isEmpty ? "" : "; kept fresh: \(transferReport.brief)"))
        }
        let frozen = model.parameters.filter(\.isFrozen).count
        if frozen > 0 || t.unfreezeEvery != nil || t.backboneLearningRateScale != nil {
            lines.append("transfer: \(frozen) of \(model.parameters.count) parameter tensors frozen"
                         + (t.unfreezeEvery.map { ", one more layer group unfrozen every \($0) epochs" } ?? "")
                         + (t.backboneLearningRateScale.map { ", backbone learning rate ×\($0)" } ?? ""))
        }
        if let from = resumedFrom {
            lines.append(from.epochProgress.map { "resumed in epoch \($0.epoch + 1) of \(plan.epochs) after step \($0.stepsDone)" }
                         ?? "resumed after epoch \(from.history.count) of \(plan.epochs)")
        }
        return lines
    }

    /// Trains to the end (or to an early stop), writes `DIR/model.safetensors`,
    /// removes the checkpoints and returns what happened. A run resumed after it
    /// had finished only writes its weights again.
    @discardableResult
    public func fit() throws -> RunOutcome {
        let clock = ContinuousClock(), started = clock.now
        if group.isWriter && config.control.report && trainer.history.isEmpty && trainer.progress == nil {
            try firstLayerFilters()?.write(to: "\(directory)/\(Run.startFiltersFileName)")
        }
        if !stopped { try trainer.fit(trainLoader, evaluation: evaluationLoader, epochs: plan.epochs) }
        let seconds = (clock.now - started).seconds
        if group.isWriter {
            try WeightsFile(model: model, config: modelConfig, preprocessing: preprocessing).write(to: "\(directory)/\(Run.weightsFileName)")
            Checkpoint.removeFiles(in: directory)
        }
        // After a restore of the best weights or weight averaging, the last epoch's figures describe other weights.
        let final = finalWeightsReplaced
            ? try trainer.combineMetrics(trainer.evaluator.evaluate(model, on: evaluationLoader)) : trainer.history.last?.evaluation
        var outcome = RunOutcome(model: model, history: trainer.history, evaluation: final, seconds: seconds)
        if group.isWriter && config.control.report { try writeReports(into: &outcome) }
        return outcome
    }

    /// What a command prints after `fit`: the files written, early stopping's summary,
    /// the curve diagnosis, report.html and the final accuracy ("test accuracy: 0.9312").
    public func closingLines(_ outcome: RunOutcome) -> [String] {
        ["wrote \(directory)/metrics.csv and \(directory)/\(Run.weightsFileName) (\(String(format: "%.1f", outcome.seconds))s)"]
            + (earlyStopping.map { [$0.summary] } ?? []) + outcome.diagnosis
            + (outcome.report.map { ["wrote \($0) (curves, diagnosis, per-class accuracy, confusion matrix, mistakes)"] } ?? [])
            + [String(format: "%@ accuracy: %.4f", evaluationName, outcome.evaluation?.accuracy ?? .nan)]
    }

    /// curves.png with the curve diagnosis (read the way the notes do: still
    /// improving, overfitting, underfitting, learning rate too high or low), then
    /// report.html. The weights are written by then: a report that fails is a
    /// warning, not a failed run.
    private func writeReports(into outcome: inout RunOutcome) throws {
        let watch = "\(directory)/\(LayerWatch.fileName)"
        let layers = Directory.fileExists(watch) ? RunDiagnosis.layerFindings(try LayerWatch.read(watch)) : []
        // Scored once, for the class balance and the report.
        let scores = evaluationScores()
        let labels = (0..<evaluationSet.count).map(evaluationSet.label(at:))
        let balance = ClassBalance(trainingSet, accuracies: ConfusionMatrix(scores: scores, labels: labels).perClassAccuracy).findings
        outcome.diagnosis = try (layers + balance).map(\.line)
            + CurveDiagnosis.report(outcome.history, png: "\(directory)/\(Run.curvesFileName)", evaluationName: evaluationName)
        try firstLayerFilters()?.write(to: "\(directory)/\(Run.endFiltersFileName)")
        do {
            outcome.report = try HTMLReport.write(directory: directory, evaluated: (evaluationSet, scores))
        } catch {
            outcome.warnings.append("warning: no \(HTMLReport.fileName): \(error)")
        }
    }
}

/// What a training run produced.
public struct RunOutcome {
    /// The trained network, with the final weights (early stopping's best or the average, where those apply).
    public let model: Module
    /// One record per epoch trained, epochs before a resume included.
    public let history: [EpochRecord]
    /// Metrics of the final weights on the evaluation set.
    public let evaluation: Metrics?
    /// Wall time of this process's part of the run.
    public let seconds: Double
    /// The curve diagnosis, one finding a line, ending with the line that names
    /// curves.png (empty unless `control.report`, and on ranks other than 0).
    public var diagnosis: [String] = []
    /// Where report.html was written (nil: not written).
    public var report: String?
    /// What went wrong after the weights were written (a report that could not be made).
    public var warnings: [String] = []
}

/// Writes the run's checkpoint at every epoch end and, with `every`, after every
/// `every` optimizer steps; listed last, so every other callback has updated its state.
///
/// It also ends a run that was asked to stop (`Preemption`): after the step under
/// way, or at the end of an epoch whose last step was under way (a checkpoint
/// cannot sit between an epoch's last step and its evaluation), it writes the
/// checkpoint and throws `TrainingPreempted`. A stop asked for during the last
/// epoch's evaluation lets the run finish instead; a pipeline stops at the epoch's end.
final class CheckpointWriter: TrainingCallback {
    let every: Int?
    let directory: String
    /// Every rank takes part in the stop decision; rank 0 writes.
    let group: any ProcessGroup
    /// Whether a checkpoint may be written within an epoch (a pipeline's rank 0 holds
    /// every stage's weights only at epoch ends, so it stops there).
    let midEpoch: Bool
    /// Whether this rank was asked to stop.
    let asked: () -> Bool
    let save: () throws -> Void
    private var epochs = 0

    init(every: Int?, directory: String, group: any ProcessGroup, midEpoch: Bool, asked: @escaping () -> Bool, save: @escaping () throws -> Void) {
        self.every = every
        self.directory = directory
        self.group = group
        self.midEpoch = midEpoch
        self.asked = asked
        self.save = save
    }

    /// Whether a stop was asked for, on any rank (every rank gets the same answer).
    private func stopAsked() throws -> Bool { try group.anyRank(asked()) }

    func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        switch event {
        case .fitBegin(let plan):
            epochs = plan.epochs
        case .batchEnd(let report):
            guard midEpoch, report.step + 1 < report.stepsPerEpoch else { return }
            if try stopAsked() { try stop(epoch: report.epoch, stepsDone: report.step + 1) }
            if let every, trainer.optimizer.stepCount % every == 0 { try save() }
        case .epochEnd(let record):
            try save()
            if record.epoch + 1 < epochs, try stopAsked() { try stop(epoch: record.epoch + 1, stepsDone: 0, saved: true) }
        default:
            break
        }
    }

    private func stop(epoch: Int, stepsDone: Int, saved: Bool = false) throws -> Never {
        if !saved { try save() }
        // No rank exits before rank 0's checkpoint is complete (mpirun ends a job once one rank has left with a failure).
        try group.barrier()
        throw TrainingPreempted(epoch: epoch, stepsDone: stepsDone, directory: directory, signal: Preemption.requestingSignal)
    }
}
