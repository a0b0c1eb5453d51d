import Anneal
import ArgumentParser
import Foundation

/// Every option of a training run (model, optimizer, schedule, regularization,
/// data, control), and the run itself. `anneal train` is this plus an output
/// directory; `anneal ablate` and the recipe commands reuse it with changes.
struct TrainOptions: ParsableArguments {
    @Option(help: "Model preset: \(ModelConfig.presetNames.joined(separator: ", ")).") var model = "mlp"
    @OptionGroup var data: DataOptions
    @Option(name: .customLong("epochs"), help: "Epochs (default: the preset's, 20 for mlp, 15 for cnn, 30 for resnets).")
    var epochsOption: Int?
    @Option(help: "Optimizer: \(OptimizerConfig.names.joined(separator: ", ")).") var optimizer = "sgd"
    @Option(help: "Learning rate (peak of the schedule; default: with sgd the preset's, 0.05, or 0.1 for resnets; 1e-3 for adam/adamw/rmsprop, 1e-2 for adagrad).")
    var lr: Float?
    @Option(help: "Momentum (sgd, rmsprop).") var momentum: Float = 0.9
    @Option(name: .customLong("weight-decay"),
            help: "Weight decay (L2 for sgd/adam/rmsprop/adagrad, decoupled for adamw); biases and norm parameters are exempt (default: the preset's, 1e-3 for resnets, else 5e-4).")
    var weightDecayOption: Float?
    @Option(help: "Activation: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).") var activation = "relu"
    @Option(help: "Initialization: \(ModelConfig.initializerNames.joined(separator: ", ")).") var `init` = "kaiming"
    @Option(help: "Standard deviation for --init gaussian.") var initStd: Float = 0.01
    @Option(help: "Hidden layer widths for mlp, comma-separated.") var hidden = "1024,1024"
    @Option(help: "Dropout probability (mlp: after each hidden layer, default 0; cnn: before the classifier, default 0.5).")
    var dropout: Float?
    @Flag(inversion: .prefixedNo, help: "Residual presets: zero-initialize the last batch-norm scale of each block (default: on).")
    var zeroInitResidual: Bool?
    @Option(help: "Train on the first N training images only.") var trainSubset: Int?
    @Option(help: "Random seed (weights, shuffling, dropout, augmentation).") var seed: UInt64 = 0
    @Option(help: "Hold out this fraction of the training images as a validation set and evaluate on it instead of the test set (train: default 0; doctor, search, diagnose: 0.1).")
    var valSplit: Double?
    @Flag(help: "Plain per-epoch lines even on a terminal.") var noProgress = false
    @OptionGroup(title: "Regularization") var regularization: RegularizationOptions
    @OptionGroup(title: "Data preprocessing and augmentation") var trainingData: TrainingDataOptions
    @OptionGroup(title: "Learning-rate schedule") var lrSchedule: ScheduleOptions
    @OptionGroup(title: "Training control") var control: TrainingControlOptions

    /// The preset's defaults for whatever these options leave unset.
    var recipe: PresetRecipe { .of(model) }

    var epochs: Int {
        get { epochsOption ?? recipe.epochs }
        set { epochsOption = newValue }
    }

    var weightDecay: Float {
        get { weightDecayOption ?? recipe.weightDecay }
        set { weightDecayOption = newValue }
    }

    var batchSize: Int { data.batchSizeOption ?? recipe.batchSize }

    /// Stochastic depth: the option, else the preset's (resnets).
    var stochasticDepth: Float? { regularization.stochasticDepth ?? recipe.stochasticDepth }

    /// The optimizer these options describe (`weightDecay` overrides theirs).
    func optimizerConfig(weightDecay: Float? = nil) -> OptimizerConfig {
        OptimizerConfig(name: optimizer, learningRate: lr ?? (optimizer == "sgd" ? recipe.sgdLearningRate : nil),
                        momentum: momentum, weightDecay: weightDecay ?? self.weightDecay)
    }

    func validate() throws {
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        if let trainSubset, trainSubset <= 0 { throw ValidationError("--train-subset must be positive, got \(trainSubset)") }
        if let valSplit, !(valSplit >= 0 && valSplit < 1) { throw ValidationError("--val-split must be in [0, 1), got \(valSplit)") }
    }

    /// These options with every regularizer off (the recipe's "regularization off",
    /// the ablation's base). The architecture (pooling, batch norm) stays as chosen.
    var unregularized: TrainOptions {
        var v = self
        v.weightDecay = 0
        v.dropout = 0
        v.regularization.l1 = 0
        v.regularization.l2 = 0
        v.regularization.dropconnect = nil
        v.regularization.stochasticDepth = recipe.stochasticDepth.map { _ in 0 }
        v.regularization.labelSmoothing = 0
        v.regularization.maxNorm = nil
        v.trainingData.augment = nil
        return v
    }

    /// The model configuration these options describe (input width from the data).
    func modelConfig(inputs: Int? = nil) throws -> ModelConfig {
        var config = ModelConfig(name: model)
        config.activation = activation
        config.initializer = `init`
        config.initStd = initStd
        config.dropout = dropout
        if zeroInitResidual ?? recipe.zeroInitResidual { config.zeroInitResidual = true }
        config.hidden = try parseSizes(hidden, option: "--hidden")
        config.inputs = inputs
        regularization.configure(&config)
        config.stochasticDepth = stochasticDepth
        try config.validate()
        return config
    }

    /// The training images (optionally a subset) and the evaluation images: the
    /// test set, or with `--val-split F > 0` (default `defaultValSplit`) a validation
    /// set of that fraction held out from the training images (split by `--seed`),
    /// in which case the test set is not read at all.
    func loadData(defaultValSplit: Double = 0) throws -> (train: TensorDataset, test: TensorDataset) {
        var trainSet = try FashionMNIST.load(.train, from: data.dataDir)
        if let trainSubset { trainSet = trainSet.prefix(trainSubset) }
        let fraction = valSplit ?? defaultValSplit
        if fraction > 0 {
            let parts = trainSet.split(validationFraction: fraction, seed: seed)
            return (parts.train, parts.validation)
        }
        return (trainSet, try FashionMNIST.load(.test, from: data.dataDir))
    }

    /// The test images only (search's single final report).
    func loadTestSet() throws -> TensorDataset { try FashionMNIST.load(.test, from: data.dataDir) }

    /// Whether evaluation runs on a validation split (for labels: "val" vs "test").
    func usesValidation(defaultValSplit: Double = 0) -> Bool { (valSplit ?? defaultValSplit) > 0 }

    /// Trains on `train`, evaluating on `evaluation` after each epoch; writes
    /// `DIR/metrics.csv` and `DIR/model.safetensors` and reports what happened.
    func run(train trainSet: TensorDataset, evaluation evaluationSet: TensorDataset, outputDirectory out: String,
             log: Bool = true, extraCallbacks: [TrainingCallback] = []) throws -> TrainingOutcome {
        data.applyThreads()
        GlobalRandom.seed(seed)
        let training = try trainingData.makeTrainingData(trainSet: trainSet, batchSize: batchSize, seed: seed)
        try training.check(model: model)
        let config = try modelConfig(inputs: training.inputShape.count == 1 ? training.inputWidth : nil)
        let network = try config.makeModel()
        let optimizerConfig = optimizerConfig()
        let optim = try optimizerConfig.makeOptimizer(for: network)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let evaluationLoader = DataLoader(evaluationSet, batchSize: 1000)
        let defaultWarmup = recipe.warmupEpochs(forRunOf: epochs)
        let schedule = try lrSchedule.makeSchedule(baseLR: optimizerConfig.resolvedLearningRate, epochs: epochs,
                                                   stepsPerEpoch: training.loader.count, batchSize: batchSize,
                                                   defaultWarmup: defaultWarmup)
        if log {
            let warmup = lrSchedule.warmupEpochs(defaultWarmup: defaultWarmup)
            let smoothing = regularization.labelSmoothing ?? recipe.labelSmoothing
            let residualNotes = [config.zeroInitResidual == true ? "zero-init residual" : nil,
                                 (config.stochasticDepth ?? 0) > 0 ? "stochastic depth \(config.stochasticDepth!)" : nil].compactMap { $0 }
            print("model \(model): \(network.parameterCount) parameters"
                  + (residualNotes.isEmpty ? "" : " (\(residualNotes.joined(separator: ", ")))") + "; "
                  + "optimizer \(optimizer) lr \(optimizerConfig.resolvedLearningRate) (\(lrSchedule.schedule)"
                  + (warmup > 0 ? String(format: ", warmup %g epochs", warmup) : "") + ")"
                  + (weightDecay > 0 ? ", weight decay \(weightDecay)" : "")
                  + (smoothing > 0 ? "; label smoothing \(smoothing)" : "")
                  + "; \(epochs) epochs of \(trainSet.count) training images, batch \(batchSize), \(Threads.count) threads")
            print(training.summary)
            if let decay = control.ema { print("weight averaging: exponential moving average, decay \(decay)") }
            if trainingData.tta != .none { print("test-time augmentation: \(trainingData.tta.rawValue)") }
        }
        let (controlCallbacks, earlyStopping) = control.makeCallbacks(monitor: lrSchedule.monitoredMetric, outputDirectory: out, config: config)
        var reporting: [TrainingCallback] = [MetricsCSVWriter(path: "\(out)/metrics.csv")]
        if log { reporting.insert(ProgressReporter(interactive: !noProgress && isatty(STDOUT_FILENO) != 0), at: 0) }
        // The scheduler sets the rate before anything else looks at a step.
        let trainer = Trainer(model: network, optimizer: optim, callbacks:
            [LearningRateScheduler(schedule, monitor: lrSchedule.monitoredMetric)] + controlCallbacks
            + regularization.callbacks() + extraCallbacks + reporting)
        trainer.preprocessing = training.preprocessing
        trainer.testTimeAugmentation = trainingData.tta
        regularization.apply(to: trainer, defaultLabelSmoothing: recipe.labelSmoothing)
        let clock = ContinuousClock(), started = clock.now
        let history = try trainer.fit(training.loader, evaluation: evaluationLoader, epochs: epochs)
        let seconds = (clock.now - started).seconds
        let weightsPath = "\(out)/model.safetensors"
        try WeightsFile(model: network, config: config, preprocessing: training.preprocessing).write(to: weightsPath)
        if log {
            print("wrote \(out)/metrics.csv and \(weightsPath) (\(String(format: "%.1f", seconds))s)")
            if let earlyStopping { print(earlyStopping.summary) }
        }
        // After a restore of the best weights, the last epoch's figures describe other weights.
        let restored = earlyStopping?.restoredBestWeights == true
        let final = restored ? Trainer.evaluate(network, on: evaluationLoader, preprocessing: training.preprocessing,
                                                testTimeAugmentation: trainingData.tta)
                             : history.last?.evaluation
        return TrainingOutcome(model: network, history: history, evaluation: final, seconds: seconds)
    }
}

/// What a training run produced.
struct TrainingOutcome {
    let model: Module
    let history: [EpochRecord]
    /// Metrics of the final weights on the evaluation set.
    let evaluation: Metrics?
    let seconds: Double
}
