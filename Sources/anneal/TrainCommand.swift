import Anneal
import ArgumentParser
import Foundation

/// Options shared by the commands that build a model and read Fashion-MNIST.
struct DataOptions: ParsableArguments {
    @Option(help: "Data set (only fashion-mnist for now).") var dataset = "fashion-mnist"
    @Option(help: "Directory with the IDX files (default: /usr/share/datasets/fashion-mnist).") var dataDir: String?
    @Option(help: "Batch size.") var batchSize = 128
    @Option(help: "Threads for kernels and oneDNN (default: ANNEAL_NUM_THREADS or all cores).") var threads: Int?

    func validate() throws {
        guard dataset == "fashion-mnist" else { throw ValidationError("unknown dataset '\(dataset)'; valid: fashion-mnist") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
    }

    func applyThreads() { if let threads { Threads.count = threads } }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on Fashion-MNIST, evaluating on the test set after each epoch.",
        discussion: "Writes DIR/metrics.csv and DIR/model.safetensors and ends with 'test accuracy: 0.XXXX'.")

    @Option(help: "Model preset: \(ModelConfig.presetNames.joined(separator: ", ")).") var model = "mlp"
    @OptionGroup var data: DataOptions
    @Option(help: "Epochs.") var epochs = 20
    @Option(help: "Optimizer: \(OptimizerConfig.names.joined(separator: ", ")).") var optimizer = "sgd"
    @Option(help: "Learning rate (default: 0.05 for sgd, 1e-3 for adam/adamw/rmsprop, 1e-2 for adagrad).") var lr: Float?
    @Option(help: "Momentum (sgd, rmsprop).") var momentum: Float = 0.9
    @Option(help: "Weight decay (L2 for sgd/adam/rmsprop/adagrad, decoupled for adamw); biases and norm parameters are exempt.")
    var weightDecay: Float = 5e-4
    @Option(help: "Activation: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")).") var activation = "relu"
    @Option(help: "Initialization: \(ModelConfig.initializerNames.joined(separator: ", ")).") var `init` = "kaiming"
    @Option(help: "Standard deviation for --init gaussian.") var initStd: Float = 0.01
    @Option(help: "Hidden layer widths for mlp, comma-separated.") var hidden = "1024,1024"
    @Option(help: "Dropout probability (mlp: after each hidden layer, default 0; cnn: before the classifier, default 0.5).")
    var dropout: Float?
    @Flag(help: "Residual presets: zero-initialize the last batch-norm scale of each block.") var zeroInitResidual = false
    @OptionGroup(title: "Regularization") var regularization: RegularizationOptions
    @Option(help: "Train on the first N training images only.") var trainSubset: Int?
    @Option(help: "Random seed (weights, shuffling, dropout).") var seed: UInt64 = 0
    @Option(help: "Output directory.") var out = "runs/latest"
    @Flag(help: "Plain per-epoch lines even on a terminal.") var noProgress = false
    @OptionGroup(title: "Learning-rate schedule") var lrSchedule: ScheduleOptions
    @OptionGroup(title: "Training control") var control: TrainingControlOptions

    func run() throws {
        data.applyThreads()
        GlobalRandom.seed(seed)
        var config = ModelConfig(name: model)
        config.activation = activation
        config.initializer = `init`
        config.initStd = initStd
        config.dropout = dropout
        config.zeroInitResidual = zeroInitResidual ? true : nil
        regularization.configure(&config)
        config.hidden = try parseSizes(hidden, option: "--hidden")
        let network = try config.makeModel()
        let optimizerConfig = OptimizerConfig(name: optimizer, learningRate: lr, momentum: momentum, weightDecay: weightDecay)
        let optim = try optimizerConfig.makeOptimizer(for: network)
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        if let trainSubset, trainSubset <= 0 { throw ValidationError("--train-subset must be positive, got \(trainSubset)") }

        var trainSet = try FashionMNIST.load(.train, from: data.dataDir)
        if let trainSubset { trainSet = trainSet.prefix(trainSubset) }
        let testSet = try FashionMNIST.load(.test, from: data.dataDir)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)

        let trainLoader = DataLoader(trainSet, batchSize: data.batchSize, shuffle: true, seed: seed)
        let testLoader = DataLoader(testSet, batchSize: 1000)
        print("model \(model): \(network.parameterCount) parameters; optimizer \(optimizer) lr \(optimizerConfig.resolvedLearningRate) (\(lrSchedule.schedule)); "
              + "\(trainSet.count) training images, batch \(data.batchSize), \(Threads.count) threads")
        let schedule = try lrSchedule.makeSchedule(baseLR: optimizerConfig.resolvedLearningRate, epochs: epochs,
                                                   stepsPerEpoch: trainLoader.count, batchSize: data.batchSize)
        let (controlCallbacks, earlyStopping) = control.makeCallbacks(monitor: lrSchedule.monitoredMetric, outputDirectory: out, config: config)
        // The scheduler sets the rate before anything else looks at a step.
        let trainer = Trainer(model: network, optimizer: optim, callbacks:
            [LearningRateScheduler(schedule, monitor: lrSchedule.monitoredMetric)] + controlCallbacks + regularization.callbacks() + [
                ProgressReporter(interactive: !noProgress && isatty(STDOUT_FILENO) != 0),
                MetricsCSVWriter(path: "\(out)/metrics.csv"),
            ])
        regularization.apply(to: trainer)
        let clock = ContinuousClock(), started = clock.now
        let history = try trainer.fit(trainLoader, evaluation: testLoader, epochs: epochs)
        let weightsPath = "\(out)/model.safetensors"
        try WeightsFile(model: network, config: config, preprocessing: Preprocessing.none).write(to: weightsPath)
        print("wrote \(out)/metrics.csv and \(weightsPath) (\(String(format: "%.1f", (clock.now - started).seconds))s)")
        if let earlyStopping { print(earlyStopping.summary) }
        // After a restore of the best weights, the last epoch's figures describe other weights.
        let final = earlyStopping?.restoredBestWeights == true ? Trainer.evaluate(network, on: testLoader) : history.last?.evaluation
        print(String(format: "test accuracy: %.4f", final?.accuracy ?? .nan))
    }
}

func parseSizes(_ text: String, option: String) throws -> [Int] {
    try text.split(separator: ",").map {
        guard let n = Int($0.trimmingCharacters(in: .whitespaces)), n > 0 else {
            throw ValidationError("\(option): '\($0)' is not a positive integer")
        }
        return n
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
