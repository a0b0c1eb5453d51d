import Anneal
import ArgumentParser
import Foundation

/// Data set location, batch size and threads, shared by the commands that read data.
struct DataOptions: ConfigOptions {
    @Option(name: [.customLong("data"), .customLong("dataset")],
            help: ArgumentHelp("Training data (default fashion-mnist): \(DataSource.kinds.joined(separator: ", ")).",
                               discussion: "An image folder holds a subfolder per class; its test images are a sibling test/ or val/ folder, or PATH/test beside PATH/train."))
    var data: String?
    @Option(help: "Test data, when not the training data's own (same forms as --data).") var testData: String?
    @Option(help: "Image folders: resize every image to HxW (or S×S), e.g. 32x32 (default: all images must have one size).") var imageSize: String?
    @Flag(help: "Image folders: leave out unreadable images (with a warning that counts them) instead of stopping at the first.")
    var skipBadImages = false
    @Option(help: "Directory with the Fashion-MNIST files (default: /usr/share/datasets/fashion-mnist).") var dataDir: String?
    @Option(help: "Batch size (train: the preset's, 64 for resnets, else 128; evaluate: 1000).") var batchSize: Int?
    @Option(help: "Threads for kernels and oneDNN (default: ANNEAL_NUM_THREADS or all cores).") var threads: Int?
    @Option(help: "Only these classes, relabelled 0…k-1 in the order given, e.g. 5-9 or 0,2,4 (training and test images).") var classes: String?

    func validate() throws {
        if let batchSize, batchSize <= 0 { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
    }

    func applyThreads() { if let threads { Threads.count = threads } }

    /// The data these options name, as a run's configuration holds it.
    func config() throws -> RunConfig {
        var config = RunConfig()
        try apply(to: &config)
        return config
    }

    func bindings() throws -> [OptionBinding] {
        try reportingConfigErrors {
            [bind("--data", \.data.dataset, try data.map(DataSource.init(parsing:))),
             bind("--test-data", \.data.testDataset, try testData.map(DataSource.init(parsing:)))]
        } + [
            try bind("--image-size", \.data.imageSize, imageSize, ValueParsing.imageSize),
            bind("--skip-bad-images", \.data.skipBadImages, skipBadImages ? true : nil),
            bind("--data-dir", \.data.directory, dataDir),
            bind("--batch-size", \.data.batchSize, batchSize),
            try bind("--classes", \.data.classes, classes, ValueParsing.classes),
        ]
    }
}

/// Every option of a training run. Options parse into a `RunConfig` and nothing
/// more: an option left out leaves its field to the preset's recipe (or to the
/// `--config` file). `anneal train` is this plus an output directory; ablate,
/// doctor and search start from it too.
struct RunOptions: ConfigOptions {
    @Option(help: "A saved run configuration (a run's run.json); options given as well override its values.") var config: String?
    @Option(help: "Model preset: \(valueList(ModelPreset.self)) (default mlp).") var model: ModelPreset?
    @OptionGroup var data: DataOptions
    @Option(help: "Epochs (default: the preset's, 20 for mlp, 15 for cnn, 30 for resnets).") var epochs: Int?
    @Option(help: "Optimizer: \(valueList(OptimizerKind.self)) (default sgd).") var optimizer: OptimizerKind?
    @Option(help: "Learning rate, the schedule's peak (default: sgd the preset's, 0.05 or 0.1 for resnets; 1e-3 for adam/adamw/rmsprop, 1e-2 for adagrad).")
    var lr: Float?
    @Option(help: "Momentum (sgd: the preset's 0.9; rmsprop 0; lars 0.9).") var momentum: Float?
    @Option(help: "adam, adamw, lamb: β1,β2 (default 0.9,0.999).") var betas: String?
    @Option(help: "ε added to the denominator (adam, adamw, rmsprop: 1e-8; adagrad 1e-10; lamb 1e-6).") var eps: Float?
    @Option(help: "rmsprop: smoothing constant of the squared-gradient average (default 0.99).") var alpha: Float?
    @Flag(help: "sgd: Nesterov momentum.") var nesterov = false
    @Option(help: "Weight decay (L2 for sgd/adam/rmsprop/adagrad, decoupled for adamw); biases and norm parameters are exempt (default: the preset's, 1e-3 for resnets, else 5e-4).")
    var weightDecay: Float?
    @Option(help: "Activation (mlp, cnn): \(valueList(Activation.self)) (default relu).") var activation: Activation?
    @Option(help: "Initialization of hidden weights: \(valueList(InitializerChoice.self)) (default preset: Kaiming, LeCun for SELU).")
    var `init`: InitializerChoice?
    @Option(help: "Standard deviation for --init gaussian (default 0.01).") var initStd: Float?
    @Option(help: "Gain for --init xavier or orthogonal (default 1, as PyTorch).") var initGain: Float?
    @Option(help: "Hidden layer widths for mlp, comma-separated (default 1024,1024).") var hidden: String?
    @Option(help: "fast: widths of the stem and the three blocks, comma-separated (default 16,32,64,128).") var widths: String?
    @Option(help: "fast: the stem reads P×P patches with stride P, so the blocks run at 1/P of the resolution (default 1: a 3×3 stem).")
    var stemPatch: Int?
    @Flag(help: "fast: end each block with a residual pair of 3×3 convolutions instead of one (10 convolutions instead of 7).")
    var residualBlocks = false
    @Flag(help: "cnn, fast, resnets: start the first convolution as a whitening of the training images' patches (patch PCA, ± filter pairs).")
    var whitenedStem = false
    @Option(help: "Dropout probability (mlp: after each hidden layer, default 0; cnn: before the classifier, default 0.5).")
    var dropout: Float?
    @Flag(inversion: .prefixedNo, help: "Residual presets: zero-initialize the last batch-norm scale of each block (default: on).")
    var zeroInitResidual: Bool?
    @Option(help: "Train on the first N training images only.") var trainSubset: Int?
    @Option(help: "A few-shot subset: N training images of every class, drawn by the seed.") var perClass: Int?
    @Option(help: "Outputs of the classifier (default: the number of classes of the data, 10 for Fashion-MNIST).") var numClasses: Int?
    @Option(help: "Random seed (weights, shuffling, dropout, augmentation; default 0).") var seed: UInt64?
    @Option(help: "Hold out this fraction of the training images as a validation set and evaluate on it instead of the test set (train: default 0; doctor, search: 0.1).")
    var valSplit: Double?
    @Flag(help: "Plain per-epoch lines even on a terminal.") var noProgress = false
    @OptionGroup(title: "Regularization") var regularization: RegularizationOptions
    @OptionGroup(title: "Data preprocessing and augmentation") var preprocessing: PreprocessingOptions
    @OptionGroup(title: "Learning-rate schedule") var schedule: ScheduleOptions
    @OptionGroup(title: "Training control") var control: ControlOptions
    @OptionGroup(title: "Transfer learning") var transfer: TransferOptions
    @OptionGroup(title: "Data parallelism (under mpirun, or train --ranks N)") var parallel: ParallelOptions

    /// The configuration these options describe: the `--config` file's, or a fresh
    /// one for the preset, with every option given applied on top (validation
    /// split `defaultValidationSplit` unless given or in the file). Not yet resolved.
    func makeConfig(defaultValidationSplit: Double = 0) throws -> RunConfig {
        var c: RunConfig
        if let path = self.config {
            c = try reportingConfigErrors { try RunConfig.read(path) }
            if let model, model != c.model.name { c.model = ModelConfig(name: model) }
        } else {
            c = RunConfig(model: model ?? .mlp)
            c.data.validationSplit = defaultValidationSplit
        }
        try apply(to: &c)
        return c
    }

    /// Every option of a run, as bindings to the fields they set.
    func bindings() throws -> [OptionBinding] {
        let ownBindings: [OptionBinding] = [
            bind("--epochs", \.epochs, epochs),
            bind("--optimizer", \.optimizer.name, optimizer),
            bind("--lr", \.optimizer.learningRate, lr),
            bind("--momentum", \.optimizer.momentum, momentum),
            try bind("--betas", \.optimizer.betas, betas, ValueParsing.numbers),
            bind("--eps", \.optimizer.eps, eps),
            bind("--alpha", \.optimizer.alpha, alpha),
            bind("--nesterov", \.optimizer.nesterov, nesterov ? true : nil),
            bind("--weight-decay", \.optimizer.weightDecay, weightDecay),
            bind("--activation", \.model.activation, activation),
            bind("--init", \.model.initializer, `init`),
            bind("--init-std", \.model.initStd, initStd),
            bind("--init-gain", \.model.initGain, initGain),
            try bind("--hidden", \.model.hidden, hidden, ValueParsing.sizes),
            try bind("--widths", \.model.widths, widths, ValueParsing.sizes),
            bind("--stem-patch", \.model.stemPatch, stemPatch),
            bind("--residual-blocks", \.model.residualBlocks, residualBlocks ? true : nil),
            bind("--whitened-stem", \.model.whitenedStem, whitenedStem ? true : nil),
            bind("--dropout", \.model.dropout, dropout),
            bind("--zero-init-residual", \.model.zeroInitResidual, zeroInitResidual),
            bind("--train-subset", \.data.trainSubset, trainSubset),
            bind("--per-class", \.data.perClass, perClass),
            bind("--num-classes", \.model.classes, numClasses),
            bind("--seed", \.seed, seed),
            bind("--val-split", \.data.validationSplit, valSplit),
        ]
        return try data.bindings() + ownBindings + regularization.bindings() + preprocessing.bindings() + schedule.bindings()
            + control.bindings() + transfer.bindings() + parallel.bindings()
    }
}

/// Regularizers: penalties, DropConnect, stochastic depth, pooling, batch norm
/// off, label smoothing, max-norm (dropout and weight decay are run options;
/// Cutout and Mixup come through --augment).
struct RegularizationOptions: ConfigOptions {
    @Option(help: "L1 penalty λ·Σ|w| on weights (not biases or norm parameters).") var l1: Float?
    @Option(help: "L2 penalty (λ/2)·Σw² on weights (not biases or norm parameters).") var l2: Float?
    @Option(help: "DropConnect probability on hidden Linear weights (mlp, cnn).") var dropconnect: Float?
    @Option(help: "resnet*: stochastic depth, drop probability of the last block (rising linearly from 0; default 0.1).") var stochasticDepth: Float?
    @Option(help: "cnn: pooling, \(valueList(SmallCNN.Pooling.self)) (Graham's √2 fractional max pooling).") var pool: SmallCNN.Pooling?
    @Flag(help: "cnn: replace batch norm by the identity (for ablations).") var batchnormOff = false
    @Option(help: "Label smoothing ε for the cross-entropy loss (default: the preset's, 0.1 for resnets, else 0).")
    var labelSmoothing: Float?
    @Option(help: "Max-norm constraint: rescale each weight row/filter to L2 norm at most C after every step.") var maxNorm: Float?

    func bindings() -> [OptionBinding] {
        [bind("--l1", \.regularization.l1, l1),
         bind("--l2", \.regularization.l2, l2),
         bind("--dropconnect", \.model.dropConnect, dropconnect),
         bind("--stochastic-depth", \.model.stochasticDepth, stochasticDepth),
         bind("--pool", \.model.pool, pool),
         bind("--batchnorm-off", \.model.batchNorm, batchnormOff ? false : nil),
         bind("--label-smoothing", \.regularization.labelSmoothing, labelSmoothing),
         bind("--max-norm", \.regularization.maxNorm, maxNorm)]
    }
}

/// Preprocessing fitted on the training set, augmentation and loader threads.
struct PreprocessingOptions: ConfigOptions {
    @Option(help: "Normalization fitted on the training set: \(valueList(Preprocessing.Normalization.self)).") var normalize: Preprocessing.Normalization?
    @Option(help: "Whitening fitted on the training set (eigenvectors of its covariance): \(valueList(Preprocessing.WhiteningMethod.self)).") var whiten: Preprocessing.WhiteningMethod?
    @Option(help: "PCA: keep the K leading components (flat inputs, mlp only); with --whiten none a plain projection.") var pcaComponents: Int?
    @Option(help: "Whitening: ε added to every eigenvalue before dividing by its square root (default 0.01).") var whitenEpsilon: Float?
    @Option(help: ArgumentHelp(
        "Augmentation: comma-separated NAME[:ARG[:KEY=VALUE…]], e.g. flip,crop:4,affine:rot=10:shear=5:scale=0.9-1.1,lens:0.1,erase:0.5,mixup:0.2.",
        discussion: "Names: " + AugmentationSpec.grammar.map { item in
            item.name + (item.argument.isEmpty ? "" : "[:\(item.argument)]") + " (" + item.keys.joined(separator: " ") + ")"
        }.joined(separator: "; ") + ". Ranges are LOW-HIGH; one number means ±value (1±value for scale/stretch).",
        valueName: "spec"))
    var augment: String?
    @Option(help: "Background threads prefetching training batches (default: 1 with --augment, else 0).") var loaderThreads: Int?
    @Option(help: "How each epoch draws the training images: \(valueList(DataLoader.Sampling.self)) (balanced: every class equally often, small classes oversampled).") var sampler: DataLoader.Sampling?
    @Option(help: "Loss weight per class: \(valueList(ClassWeighting.self)) (balanced: inversely proportional to the class's training images).") var classWeights: ClassWeighting?

    func bindings() -> [OptionBinding] {
        [bind("--normalize", \.data.normalize, normalize),
         bind("--whiten", \.data.whiten, whiten),
         bind("--pca-components", \.data.pcaComponents, pcaComponents),
         bind("--whiten-epsilon", \.data.whitenEpsilon, whitenEpsilon),
         bind("--augment", \.data.augment, augment),
         bind("--loader-threads", \.data.loaderThreads, loaderThreads),
         bind("--sampler", \.data.sampler, sampler),
         bind("--class-weights", \.data.classWeights, classWeights)]
    }
}

/// Learning-rate schedule options, shared by `anneal schedule` and the training commands.
struct ScheduleOptions: ConfigOptions {
    @Option(help: "Learning-rate schedule: \(valueList(ScheduleKind.self)) (default cosine). --lr is its peak (one-cycle: its maximum).")
    var schedule: ScheduleKind?
    @Option(help: "Warmup epochs (fractions allowed) in front of the schedule; one-cycle uses it as its rising part (default: the preset's, 1 for cnn and resnets, less in runs shorter than the preset's; 0 for mlp).")
    var warmup: Double?
    @Option(help: "Warmup ramp: \(valueList(Warmup.Shape.self)).") var warmupMode: Warmup.Shape?
    @Option(help: "Warmup starts at this fraction of the rate (default 0.01).") var warmupStartFactor: Float?
    @Option(help: "step: epochs at which the rate is multiplied by --gamma, comma-separated (default: 50% and 75% of the epochs).")
    var milestones: String?
    @Option(help: "step: factor at each milestone (default 0.1); exponential: factor per epoch (default 0.95).") var gamma: Float?
    @Option(help: "Lowest rate: floor of cosine and cosine-restarts, end of linear and poly, minimum of plateau (default 0).") var minLr: Float?
    @Option(help: "cosine-restarts: length of the first cycle in epochs (default 10).") var t0: Double?
    @Option(help: "cosine-restarts: each cycle is this many times longer than the last (default 2).") var tMult: Int?
    @Option(help: "poly: exponent (default 0.9).") var power: Float?
    @Option(help: "one-cycle: fraction of the steps spent rising (default 0.3, or --warmup / --epochs).") var pctStart: Double?
    @Option(help: "plateau: epochs without improvement before the rate is reduced (default 10).") var plateauPatience: Int?
    @Option(help: "plateau: factor applied at each reduction (default 0.1).") var plateauFactor: Double?
    @Option(help: "plateau: relative improvement that counts (default 1e-4).") var plateauThreshold: Double?
    @Option(help: "plateau: epochs to wait after a reduction (default 0).") var plateauCooldown: Int?
    @Option(help: "Metric that plateau (and early stopping) watch: \(valueList(MonitoredMetric.self)); loss and accuracy are the evaluation set's (default loss).") var monitor: MonitoredMetric?
    @Flag(help: "Linear scaling rule: lr × batch/--reference-batch, reached by Goyal et al.'s linear warmup from the unscaled lr over --warmup epochs (default 5).") var scaleLrWithBatch = false
    @Option(help: "Linear scaling rule: the batch the learning rate was chosen for (default: the preset's recipe batch).") var referenceBatch: Int?

    func bindings() throws -> [OptionBinding] {
        // Another schedule first: the old one's settings (a --config file's cosine floor) do not carry over.
        let replace = OptionBinding(option: "--schedule", field: "schedule.name", set: schedule.map { name in { c in
            guard name != c.schedule.name else { return }
            var fresh = ScheduleConfig(name: name)
            fresh.monitor = c.schedule.monitor
            (fresh.scaleWithBatch, fresh.referenceBatch) = (c.schedule.scaleWithBatch, c.schedule.referenceBatch)
            c.schedule = fresh
        } })
        return [replace,
                bind("--warmup", \.schedule.warmupEpochs, warmup),
                bind("--warmup-mode", \.schedule.warmupShape, warmupMode),
                bind("--warmup-start-factor", \.schedule.warmupStartFactor, warmupStartFactor),
                try bind("--milestones", \.schedule.milestones, milestones, ValueParsing.sizes),
                bind("--gamma", \.schedule.gamma, gamma),
                bind("--min-lr", \.schedule.minLearningRate, minLr),
                bind("--t0", \.schedule.firstCycleEpochs, t0),
                bind("--t-mult", \.schedule.cycleMultiplier, tMult),
                bind("--power", \.schedule.power, power),
                bind("--pct-start", \.schedule.pctStart, pctStart),
                bind("--plateau-patience", \.schedule.plateauPatience, plateauPatience),
                bind("--plateau-factor", \.schedule.plateauFactor, plateauFactor),
                bind("--plateau-threshold", \.schedule.plateauThreshold, plateauThreshold),
                bind("--plateau-cooldown", \.schedule.plateauCooldown, plateauCooldown),
                bind("--monitor", \.schedule.monitor, monitor),
                bind("--scale-lr-with-batch", \.schedule.scaleWithBatch, scaleLrWithBatch ? true : nil),
                bind("--reference-batch", \.schedule.referenceBatch, referenceBatch)]
    }
}

/// Early stopping, gradient clipping, the NaN guard, weight averaging, test-time
/// augmentation and checkpoints.
struct ControlOptions: ConfigOptions {
    @Option(help: "Stop after P epochs without improvement of --monitor, then restore the best epoch's weights (also at the last epoch).")
    var earlyStop: Int?
    @Option(help: "Early stopping: smallest change of --monitor that counts as an improvement (default 0).") var minDelta: Double?
    @Option(help: "Clip gradients to this global L2 norm.") var clipNorm: Float?
    @Option(help: "Clip every gradient element into [-X, X].") var clipValue: Float?
    @Flag(inversion: .prefixedNo, help: "Stop at the first non-finite loss or gradient, saving the last good weights to DIR/last-good.safetensors (default: on).")
    var nanGuard: Bool?
    @Option(help: "NaN guard: copy the weights every N steps (default 1: the saved weights are one step old).") var nanGuardEvery: Int?
    @Option(help: "Evaluate and keep an exponential moving average of the weights, updated after every step with this decay (e.g. 0.999: about the last 1000 steps).")
    var ema: Float?
    @Option(help: "Test-time augmentation when evaluating: none, or flip (mean probability of each image and its mirror image); default: the preset's (flip for fast, else none).")
    var tta: TestTimeAugmentation?
    @Option(help: "Evaluate after every N epochs and after the last (default: every epoch; the fast preset after its last only).")
    var evalEvery: Int?
    @Option(help: "Also write DIR/checkpoint.safetensors every N optimizer steps (it is written at every epoch end).")
    var checkpointEvery: Int?
    @Option(help: "Snapshot ensemble: K equal cosine cycles with restarts, the weights saved after each as DIR/snapshot-K.safetensors (evaluate them together with --weights).")
    var snapshots: Int?
    @Option(help: "Stochastic weight averaging from epoch E: end with the average of the weights at every epoch end since, batch norm recomputed for it.")
    var swaStart: Int?
    @Option(help: "SWA: a constant learning rate from --swa-start on (default: the schedule goes on; cosine-restarts makes it cyclic).")
    var swaLr: Float?
    @Option(help: "SWA: add the weights to the average every N optimizer steps (default: at every epoch end).") var swaEvery: Int?
    @Flag(help: "EMA: recompute batch norm's running statistics for the averaged weights at the end.") var emaBnUpdate = false
    @Flag(inversion: .prefixedNo, help: "Write TensorBoard event files (DIR/events.out.tfevents.*): scalars per step and epoch, histograms, images, the configuration (default: on).")
    var tensorboard: Bool?
    @Flag(inversion: .prefixedNo, help: "At the end, write DIR/curves.png with the curve diagnosis and DIR/report.html (default: on).")
    var report: Bool?
    @Option(help: "TensorBoard: histograms of every weight and gradient every E epochs (default 1; 0 for none).") var histogramsEvery: Int?
    @Option(help: "Watch every layer every N optimizer steps: update/weight ratio ‖Δw‖/‖w‖, gradient norm and activation statistics into DIR/layers.csv, TensorBoard and report.html, read by 'anneal diagnose' (default: off).") var watchEvery: Int?

    func bindings() -> [OptionBinding] {
        [bind("--early-stop", \.control.earlyStopPatience, earlyStop),
         bind("--min-delta", \.control.earlyStopMinDelta, minDelta),
         bind("--clip-norm", \.control.clipNorm, clipNorm),
         bind("--clip-value", \.control.clipValue, clipValue),
         bind("--no-nan-guard", \.control.nanGuard, nanGuard),
         bind("--nan-guard-every", \.control.nanGuardEvery, nanGuardEvery),
         bind("--ema", \.control.ema, ema),
         bind("--tta", \.control.tta, tta),
         bind("--eval-every", \.control.evaluateEvery, evalEvery),
         bind("--checkpoint-every", \.control.checkpointEvery, checkpointEvery),
         bind("--snapshots", \.control.snapshots, snapshots),
         bind("--swa-start", \.control.swaStartEpoch, swaStart),
         bind("--swa-lr", \.control.swaLearningRate, swaLr),
         bind("--swa-every", \.control.swaEvery, swaEvery),
         bind("--ema-bn-update", \.control.emaBatchNormUpdate, emaBnUpdate ? true : nil),
         bind("--no-tensorboard", \.control.tensorboard, tensorboard),
         bind("--no-report", \.control.report, report),
         bind("--histograms-every", \.control.histogramsEvery, histogramsEvery.map { $0 == 0 ? nil : $0 }),   // 0: none
         bind("--watch-every", \.control.watchEvery, watchEvery)]
    }
}

/// How the ranks of a data-parallel or pipeline run share their work.
struct ParallelOptions: ConfigOptions {
    @Flag(help: "Synchronized batch norm: batch statistics of all ranks' samples together, as with the global batch.") var syncBn = false
    @Option(help: "Gradients are all-reduced in buckets of at most this many MiB (default 25).") var bucketMb: Double?
    @Option(help: "Gradient accumulation: one optimizer step (and one all-reduce) per K batches, a K times larger batch.") var accumulate: Int?
    @Option(help: "Pipeline parallelism: cut the model into S stages, one per rank (with --ranks S or under mpirun -np S).") var pipelineStages: Int?
    @Option(help: "Pipeline: micro-batches per batch (default 4); more shrink the idle bubble, (S−1)/(M+S−1).") var microBatches: Int?
    @Option(help: "Pipeline: gpipe (all forwards, then all backwards) or 1f1b (one forward, one backward: less activation memory).")
    var pipelineSchedule: PipelineSchedule?

    func bindings() -> [OptionBinding] {
        [bind("--pipeline-stages", \.parallel.pipelineStages, pipelineStages),
         bind("--micro-batches", \.parallel.microBatches, microBatches),
         bind("--pipeline-schedule", \.parallel.pipelineSchedule, pipelineSchedule),
         bind("--accumulate", \.parallel.accumulate, accumulate),
         bind("--sync-bn", \.parallel.syncBatchNorm, syncBn ? true : nil),
         bind("--bucket-mb", \.parallel.bucketMegabytes, bucketMb)]
    }
}

/// Starting from saved weights: what to load, what to freeze, how fast the backbone learns.
struct TransferOptions: ConfigOptions {
    @Option(help: "Start from these weights (.safetensors by Anneal or PyTorch, PyTorch names) instead of a fresh initialization.")
    var initFrom: String?
    @Flag(help: "--init-from: keep a fresh initialization for tensors the file lacks or holds in another shape (a new head), listing them; without it they are an error.")
    var allowPartial = false
    @Flag(help: "--init-from: leave the file's head out even when it fits (a new task with as many classes); the head starts fresh.")
    var resetHead = false
    @Option(help: "Freeze these modules, comma-separated (e.g. conv1,bn1,layer1 for a resnet; 0,1 for cnn's first stage).") var freeze: String?
    @Option(help: "Freeze every layer before this top-level layer (e.g. layer3 for a resnet, 9 for cnn's hidden layer).") var freezeUntil: String?
    @Option(help: "The backbone's learning rate as a fraction of the head's (discriminative learning rates, e.g. 0.1).") var backboneLrScale: Float?
    @Option(help: "Gradual unfreezing: train the head alone, then every E epochs one more layer down the network.") var unfreezeEvery: Int?

    func bindings() -> [OptionBinding] {
        [bind("--init-from", \.transfer.initFrom, initFrom),
         bind("--allow-partial", \.transfer.allowPartial, allowPartial ? true : nil),
         bind("--reset-head", \.transfer.resetHead, resetHead ? true : nil),
         bind("--freeze", \.transfer.freeze, freeze.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }),
         bind("--freeze-until", \.transfer.freezeUntil, freezeUntil),
         bind("--backbone-lr-scale", \.transfer.backboneLearningRateScale, backboneLrScale),
         bind("--unfreeze-every", \.transfer.unfreezeEvery, unfreezeEvery)]
    }
}
