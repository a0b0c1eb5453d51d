import AnnealData
import AnnealDistributed
import AnnealReports
import AnnealTraining

/// Where the images come from and how they reach the model: the split, the
/// preprocessing fitted on the training images, augmentation and batching.
public struct DataConfig: Codable, Sendable, Equatable {
    /// The training images (and, unless `testDataset` names others, the test images).
    public var dataset: DataSource = .fashionMNIST
    /// The test images, when they come from elsewhere (nil: the data set's own).
    public var testDataset: DataSource? = nil
    /// Fashion-MNIST: the directory with its files (nil: the installed copy).
    public var directory: String? = nil
    /// Image folders: resize every image to `[height, width]` (nil: all must have one size).
    public var imageSize: [Int]? = nil
    /// Image folders: leave out unreadable images (counted in a warning) instead of failing.
    public var skipBadImages: Bool = false
    /// nil: the preset's (64 for resnets, else 128).
    public var batchSize: Int? = nil
    /// Train on the first N training images only.
    public var trainSubset: Int? = nil
    /// How each epoch draws the training images (nil: uniform, each once).
    public var sampler: DataLoader.Sampling? = nil
    /// Loss weight per class (nil: none, every sample weighs the same).
    public var classWeights: ClassWeighting? = nil
    /// Only these classes (training and evaluation images), relabelled 0..<k in this order.
    public var classes: [Int]? = nil
    /// A few-shot subset: this many training images per class, drawn by the seed.
    public var perClass: Int? = nil
    /// Hold out this fraction of the training images (split by the seed) and
    /// evaluate on it instead of the test set, which is then never read.
    public var validationSplit: Double = 0
    /// Normalization fitted on the training set (nil: the preset's; global for fast, else none).
    public var normalize: Preprocessing.Normalization? = nil
    /// Whitening fitted on the training set (eigenvectors of its covariance).
    public var whiten: Preprocessing.WhiteningMethod = .none
    /// PCA: keep the K leading components (flat inputs, mlp only).
    public var pcaComponents: Int? = nil
    /// Whitening: ε added to every eigenvalue before dividing by its square root.
    public var whitenEpsilon: Float = 0.01
    /// Augmentation spec, e.g. "flip,crop:4,erase:0.5" (see `AugmentationSpec`); "" for
    /// none (nil: the preset's; "flip,crop:1" for fast, else none).
    public var augment: String? = nil
    /// Background threads building training batches (nil: 1 with augmentation, else 0).
    /// Results do not depend on it.
    public var loaderThreads: Int? = nil

    /// Fashion-MNIST's own split, every optional field unset (the preset's defaults apply once resolved).
    public init() {}

    /// With the batch size, normalization, augmentation and loader threads the run will
    /// use filled in from `recipe` where unset.
    public func resolved(recipe: PresetRecipe) -> DataConfig {
        var c = self
        c.batchSize = batchSize ?? recipe.batchSize
        c.normalize = normalize ?? recipe.normalize
        let augment = self.augment ?? recipe.augment
        c.augment = augment
        c.loaderThreads = loaderThreads ?? (augment.isEmpty ? 0 : 1)
        return c
    }

    /// Whether evaluation uses held-out training images ("validation") rather than the test set.
    public var usesValidation: Bool { validationSplit > 0 }
    /// What the evaluation images are called in reports: "validation" or "test".
    public var evaluationName: String { usesValidation ? "validation" : "test" }

    /// Checks ranges, the class list against the data set and the augmentation spec; the
    /// error names the field (`data.…`), the value and what is valid.
    public func validate() throws {
        if let b = batchSize, b <= 0 { throw ConfigError(field: "data.batchSize", "must be positive, got \(b)") }
        if let n = trainSubset, n <= 0 { throw ConfigError(field: "data.trainSubset", "must be positive, got \(n)") }
        if let n = perClass, n <= 0 { throw ConfigError(field: "data.perClass", "must be positive, got \(n)") }
        if let classes {
            guard classes.count >= 2, Set(classes).count == classes.count else {
                throw ConfigError(field: "data.classes", "needs at least 2 distinct classes, got \(classes)")
            }
            if let count = dataset.knownClassCount, let bad = classes.first(where: { !(0..<count).contains($0) }) {
                throw ConfigError(field: "data.classes", "\(dataset) has classes 0...\(count - 1), not \(bad)")
            }
        }
        if let imageSize {
            guard imageSize.count == 2, imageSize.allSatisfy({ (4...4096).contains($0) }) else {
                throw ConfigError(field: "data.imageSize", "must be [height, width], each in 4...4096, got \(imageSize)")
            }
            guard dataset.isImageFolder || testDataset?.isImageFolder == true else {
                throw ConfigError(field: "data.imageSize", "resizes the images of an image folder; \(dataset) has one size")
            }
        }
        if testDataset != nil && validationSplit > 0 {
            throw ConfigError(field: "data.testDataset", "and a validation split both choose the evaluation images; give one")
        }
        guard validationSplit >= 0 && validationSplit < 1 else {
            throw ConfigError(field: "data.validationSplit", "must be in [0, 1), got \(validationSplit)")
        }
        if let k = pcaComponents, k <= 0 { throw ConfigError(field: "data.pcaComponents", "must be positive, got \(k)") }
        if pcaComponents != nil && whiten == .zca {
            throw ConfigError(field: "data.pcaComponents", "does not combine with zca whitening (ZCA keeps every component); use pca")
        }
        guard whitenEpsilon >= 0 && whitenEpsilon.isFinite else {
            throw ConfigError(field: "data.whitenEpsilon", "must be ≥ 0, got \(whitenEpsilon)")
        }
        if let n = loaderThreads, n < 0 || n > 64 { throw ConfigError(field: "data.loaderThreads", "must be in 0...64, got \(n)") }
        _ = try augmentation()
    }

    /// The parsed augmentation spec (none where unset: a resolved configuration holds the preset's).
    public func augmentation() throws -> AugmentationSpec {
        do { return try AugmentationSpec.parse(augment ?? "") } catch {
            throw ConfigError(field: "data.augment", error.message)
        }
    }
}

/// The loss-side and weight-side regularizers that are not part of the model's
/// shape (dropout, DropConnect, stochastic depth, pooling and batch norm are
/// `ModelConfig` fields; Cutout and Mixup come through `DataConfig.augment`).
public struct RegularizationConfig: Codable, Sendable, Equatable {
    /// L1 penalty λ·Σ|w| on weights (not biases or norm parameters).
    public var l1: Float = 0
    /// L2 penalty (λ/2)·Σw² on weights (not biases or norm parameters).
    public var l2: Float = 0
    /// Label smoothing ε of the cross-entropy loss; nil: the preset's (0.1 for resnets, else 0).
    public var labelSmoothing: Float? = nil
    /// Rescale each weight row/filter to L2 norm at most this after every step.
    public var maxNorm: Float? = nil

    /// No penalties, no max-norm; label smoothing left to the preset.
    public init() {}

    /// Checks that the penalties are finite and not negative and the smoothing is in [0, 1);
    /// the error names the field (`regularization.…`).
    public func validate() throws {
        guard l1 >= 0 && l1.isFinite else { throw ConfigError(field: "regularization.l1", "must not be negative, got \(l1)") }
        guard l2 >= 0 && l2.isFinite else { throw ConfigError(field: "regularization.l2", "must not be negative, got \(l2)") }
        if let s = labelSmoothing, !(s >= 0 && s < 1) { throw ConfigError(field: "regularization.labelSmoothing", "\(s) is not in [0, 1)") }
        if let m = maxNorm, !(m > 0 && m.isFinite) { throw ConfigError(field: "regularization.maxNorm", "must be positive, got \(m)") }
    }
}

/// What watches and steers the loop: early stopping, clipping, the NaN guard,
/// weight averaging, test-time augmentation and checkpoints.
public struct ControlConfig: Codable, Sendable, Equatable {
    /// Stop after this many epochs without improvement of `schedule.monitor`, then
    /// restore the best epoch's weights (also at the last epoch).
    public var earlyStopPatience: Int? = nil
    /// Early stopping: smallest change of the monitored metric that counts.
    public var earlyStopMinDelta: Double = 0
    /// Clip gradients to this global L2 norm.
    public var clipNorm: Float? = nil
    /// Clip every gradient element into [−x, x].
    public var clipValue: Float? = nil
    /// Stop at the first non-finite loss or gradient, saving the last good weights.
    public var nanGuard: Bool = true
    /// NaN guard: copy the weights every N steps.
    public var nanGuardEvery: Int = 1
    /// Evaluate and keep an exponential moving average of the weights with this decay.
    public var ema: Float? = nil
    /// Test-time augmentation when evaluating (nil: the preset's; flip for fast, else none).
    public var tta: TestTimeAugmentation? = nil
    /// Evaluate after every N epochs and after the last (nil: the preset's; fast
    /// evaluates after its last epoch only, the others after every epoch).
    public var evaluateEvery: Int? = nil
    /// Also checkpoint every N optimizer steps (epoch ends always are).
    public var checkpointEvery: Int? = nil
    /// Snapshot ensemble: K cosine cycles (restarts) in the run, the weights saved at
    /// the end of each as `snapshot-K.safetensors`.
    public var snapshots: Int? = nil
    /// Stochastic weight averaging from this epoch on (1-based): the run ends with the
    /// average of the weights at every epoch end since, batch norm recomputed for it.
    public var swaStartEpoch: Int? = nil
    /// SWA: a constant learning rate from `swaStartEpoch` on (nil: the schedule goes on).
    public var swaLearningRate: Float? = nil
    /// SWA: add the weights to the average every this many optimizer steps (nil: at every epoch end).
    public var swaEvery: Int? = nil
    /// EMA: recompute batch norm's running statistics for the averaged weights at the end.
    public var emaBatchNormUpdate: Bool = false
    /// Write TensorBoard event files into the run's directory.
    public var tensorboard: Bool = true
    /// At the end of the run, write curves.png with the curve diagnosis and report.html.
    public var report: Bool = true
    /// TensorBoard: histograms of the weights and gradients every N epochs (nil: none).
    public var histogramsEvery: Int? = 1
    /// Watch the layers every N optimizer steps (`LayerWatch`: update/weight ratios,
    /// gradient norms, activation statistics into layers.csv and TensorBoard); nil: off.
    public var watchEvery: Int? = nil

    /// The defaults: NaN guard, TensorBoard, histograms every epoch and the final report on;
    /// no early stopping, clipping, averaging, snapshots or extra checkpoints.
    public init() {}

    /// Checks ranges and the combinations that conflict (SWA with EMA or early stopping,
    /// early stopping with sparse evaluation); the error names the field (`control.…`).
    public func validate() throws {
        if let p = earlyStopPatience, p < 1 { throw ConfigError(field: "control.earlyStopPatience", "must be at least 1 epoch, got \(p)") }
        guard earlyStopMinDelta >= 0 && earlyStopMinDelta.isFinite else {
            throw ConfigError(field: "control.earlyStopMinDelta", "must be ≥ 0, got \(earlyStopMinDelta)")
        }
        if let x = clipNorm, !(x > 0 && x.isFinite) { throw ConfigError(field: "control.clipNorm", "must be positive, got \(x)") }
        if let x = clipValue, !(x > 0 && x.isFinite) { throw ConfigError(field: "control.clipValue", "must be positive, got \(x)") }
        guard nanGuardEvery >= 1 else { throw ConfigError(field: "control.nanGuardEvery", "must be at least 1, got \(nanGuardEvery)") }
        if let d = ema, !(d > 0 && d < 1) { throw ConfigError(field: "control.ema", "must be a decay in (0, 1), e.g. 0.999; got \(d)") }
        if let n = checkpointEvery, n < 1 { throw ConfigError(field: "control.checkpointEvery", "must be at least 1 step, got \(n)") }
        if let k = snapshots, !(2...ScheduleConfig.maximumEpochs).contains(k) {
            throw ConfigError(field: "control.snapshots", "must be in 2...\(ScheduleConfig.maximumEpochs) cycles, got \(k)")
        }
        if let x = swaLearningRate {
            guard swaStartEpoch != nil else { throw ConfigError(field: "control.swaLearningRate", "needs swaStartEpoch") }
            guard x > 0 && x.isFinite else { throw ConfigError(field: "control.swaLearningRate", "must be positive, got \(x)") }
        }
        if let n = histogramsEvery, n < 1 { throw ConfigError(field: "control.histogramsEvery", "must be at least 1 epoch, got \(n)") }
        if let n = watchEvery, n < 1 { throw ConfigError(field: "control.watchEvery", "must be at least 1 step, got \(n)") }
        if let n = evaluateEvery {
            guard n >= 1 else { throw ConfigError(field: "control.evaluateEvery", "must be at least 1 epoch, got \(n)") }
            if n > 1 && earlyStopPatience != nil {
                throw ConfigError(field: "control.evaluateEvery", "early stopping compares the evaluation of every epoch; evaluate every epoch (1)")
            }
        }
        if emaBatchNormUpdate && ema == nil { throw ConfigError(field: "control.emaBatchNormUpdate", "needs ema") }
        if let n = swaEvery {
            guard swaStartEpoch != nil else { throw ConfigError(field: "control.swaEvery", "needs swaStartEpoch") }
            guard n >= 1 else { throw ConfigError(field: "control.swaEvery", "must be at least 1 step, got \(n)") }
        }
        if let e = swaStartEpoch {
            guard e >= 1 else { throw ConfigError(field: "control.swaStartEpoch", "must be at least epoch 1, got \(e)") }
            guard ema == nil && earlyStopPatience == nil else {
                throw ConfigError(field: "control.swaStartEpoch", "weight averaging does not combine with ema or early stopping, which also choose the final weights")
            }
        }
    }
}

/// A loss weight per class, for imbalanced training sets.
public enum ClassWeighting: String, Sendable, Codable, CaseIterable {
    /// Every class weighs 1.
    case none
    /// n / (k · n_c): inversely proportional to the class's training images (`balancedClassWeights`).
    case balanced
}
