import AnnealData
import AnnealIO
import AnnealDistributed
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// The recipe's checks before a long run, on a run configuration and its training
/// images only (a validation split is held out and the test set never read):
/// 1. the initial loss is ln(classes), and regularization raises it;
/// 2. a small sample can be overfit with regularization off;
/// 3. a learning-rate range test over the training data, regularization as configured,
///    then short runs of the configuration at rates around the test's loss minimum;
/// 4. per-layer activation and gradient statistics at initialization;
/// 5. the training images per class (an under-represented class and its remedies).
/// Each check builds a fresh model from the configuration's seed.
public struct Doctor {
    /// The configuration examined, resolved against its preset (every check builds its model from it).
    public let config: RunConfig
    /// The configuration's training images, without the validation split if it holds one out.
    public let trainingSet: any Dataset
    /// The preprocessing fitted on `trainingSet`, applied before every check's model.
    public let preprocessing: Preprocessing
    private let loader: DataLoader
    private let inputShape: [Int]

    /// Resolves `config`, loads its training images, fits the preprocessing and builds the
    /// shuffled, augmented training loader; no check runs yet.
    public init(_ config: RunConfig) throws {
        self.config = try config.resolved()
        trainingSet = try self.config.loadData().train
        preprocessing = try self.config.fitPreprocessing(on: trainingSet)
        loader = self.config.makeTrainLoader(trainingSet, augmentation: try self.config.data.augmentation())
        inputShape = preprocessing.outputShape(for: trainingSet.sampleShape)
    }

    private var apply: (Tensor) -> Tensor { { [preprocessing] in preprocessing.apply($0) } }

    private func freshModel(regularized: Bool) throws -> Module {
        let c = regularized ? config : try config.unregularized.resolved()
        return try GlobalRandom.withSeed(c.seed) { try c.modelConfig(for: trainingSet, inputShape: inputShape).makeModel() }
    }

    private func optimizer(for model: Module, weightDecay: Float) throws -> Optimizer {
        var settings = config.optimizer
        settings.weightDecay = weightDecay
        return try settings.makeOptimizer(for: model)
    }

    /// Step 1 of the recipe: loss at initialization on up to 500 images, without and with an L2 (or the configured) penalty.
    public func checkInitialLoss() throws -> InitialLossCheck {
        let probe = RecipeSupport.smallSample(trainingSet, k: min(500, trainingSet.count))
        let weightDecay = config.optimizer.weightDecay ?? 0
        let l2 = config.regularization.l2 > 0 ? config.regularization.l2 : (weightDecay > 0 ? weightDecay : 1e-3)
        let penalty = WeightPenalty(l1: config.regularization.l1, l2: l2)
        return InitialLossCheck.run(model: try freshModel(regularized: false), batch: probe, classes: trainingSet.classCount,
                                    preprocessing: apply, regularizer: { penalty($0) })
    }

    /// Step 2 of the recipe: overfit `samples` images (stratified) within `steps` steps, regularization off.
    public func overfit(samples: Int, steps: Int) throws -> OverfitCheck {
        let model = try freshModel(regularized: false)
        return OverfitCheck.run(model: model, optimizer: try optimizer(for: model, weightDecay: 0),
                                batch: RecipeSupport.smallSample(trainingSet, k: samples), maxSteps: steps, preprocessing: apply)
    }

    /// Step 3 of the recipe: the learning-rate range test over the shuffled, augmented training data.
    public func rangeTest(_ settings: LearningRateRangeTest.Settings) throws -> LearningRateRangeTest {
        let model = try freshModel(regularized: true)
        return try LearningRateRangeTest.run(model: model, optimizer: try optimizer(for: model, weightDecay: config.optimizer.weightDecay ?? 0),
                                             loader: loader, settings: settings, preprocessing: apply)
    }

    /// The short runs' default length: the planned run's, at most 3 epochs. Shorter
    /// runs favour small rates (short-horizon bias); 3 caps the cost at 15 epochs.
    public var defaultValidationEpochs: Int { min(config.epochs ?? 1, 3) }

    /// 3b. Short runs of the whole configuration at rates around the range test's loss
    /// minimum; the lowest validation loss is the suggestion.
    public func validateRates(after range: LearningRateRangeTest, epochs: Int,
                              progress: (LearningRateValidation.Trial) -> Void = { _ in }) throws -> LearningRateValidation? {
        guard let minimum = range.minimumLR, epochs > 0 else { return nil }
        return try LearningRateValidation.run(config, candidates: LearningRateValidation.candidates(aroundLossMinimum: minimum),
                                              epochs: epochs, progress: progress)
    }

    /// Step 4 of the recipe: per-layer statistics at initialization on up to 256 images.
    public func layerStatistics() throws -> LayerStatistics {
        LayerStatistics.run(model: try freshModel(regularized: true),
                            batch: RecipeSupport.smallSample(trainingSet, k: min(256, trainingSet.count)), preprocessing: apply)
    }
}

extension Doctor {
    /// What an examination does beyond the configuration.
    public struct Settings: Sendable {
        /// Images and step budget of the overfit check.
        public var overfitSamples = 20, overfitSteps = 300
        /// The range test's sweep (default `LearningRateRangeTest.Settings()`).
        public var rangeTest = LearningRateRangeTest.Settings()
        /// Epochs of the short runs at 5 rates (nil: `defaultValidationEpochs`; 0: none).
        public var validationEpochs: Int?
        /// The defaults: 20 images and 300 steps to overfit, the default sweep, short runs of `defaultValidationEpochs`.
        public init() {}
    }

    /// Every check's result, told as each finishes.
    public enum Step {
        /// Check 1: the initial loss, without and with regularization.
        case initialLoss(InitialLossCheck)
        /// Check 2: the small sample overfit with regularization off.
        case overfit(OverfitCheck)
        /// The range test, its plot's path, and the epochs of the short runs that follow (0: none).
        case rangeTest(LearningRateRangeTest, plot: String, validationEpochs: Int)
        /// Check 3b: one short run at one candidate rate, told as it finishes.
        case rateTrial(LearningRateValidation.Trial)
        /// Check 3b: the short runs together (nil: none ran, for want of a loss minimum or of epochs).
        case rateValidation(LearningRateValidation?)
        /// Check 4: per-layer statistics at initialization.
        case layerStatistics(LayerStatistics)
        /// Check 5: the training images per class.
        case classBalance(ClassBalance)

        /// The step as the doctor's text report shows it.
        public var lines: [String] {
            switch self {
            case .initialLoss(let initial):
                return ["1. initial loss: \(initial.ok ? "ok" : "FAIL")"] + initial.findings.map { "   " + $0 }
            case .overfit(let overfit):
                return ["2. overfit \(overfit.samples) examples: \(overfit.passed ? "ok" : "FAIL")"] + overfit.findings.map { "   " + $0 }
            case .rangeTest(let range, let plot, let epochs):
                return ["3. learning-rate range test (\(range.learningRates.count) steps): range-test lr \(range.suggestedLR.map { String(format: "%.3g", $0) } ?? "none")"]
                    + range.findings.map { "   " + $0 }
                    + ["   wrote \(plot) (x: log10 lr; blue raw loss, orange smoothed, green the suggestion)"]
                    + (epochs > 0 ? ["   short runs of \(epochs) epoch\(epochs == 1 ? "" : "s") at 5 rates around the loss minimum:"] : [])
            case .rateTrial(let trial):
                let result = trial.validationLoss.map { String(format: "validation loss %.4f, accuracy %.2f %%", $0, 100 * (trial.validationAccuracy ?? .nan)) }
                    ?? "failed: \(trial.failure ?? "no result")"
                return [String(format: "     lr %-9.3g ", trial.learningRate) + result + String(format: "  (%.0f s)", trial.seconds)]
            case .rateValidation(let validation):
                return (validation?.findings ?? []).map { "   " + $0 }
            case .layerStatistics(let stats):
                let width = max(10, stats.layers.map(\.name.count).max() ?? 0)
                return ["4. per-layer statistics at initialization (\(stats.layers.count) layers):",
                        "   " + "layer".padding(toLength: width, withPad: " ", startingAt: 0) + " kind              act mean   act std   dead %   sat %   grad norm"]
                    + stats.layers.map { l in
                        "   " + l.name.padding(toLength: width, withPad: " ", startingAt: 0) + " " + l.kind.padding(toLength: 16, withPad: " ", startingAt: 0)
                            + String(format: " %9.4f %9.4f", l.activationMean, l.activationStd)
                            + (l.deadFraction.map { String(format: " %8.1f", $0 * 100) } ?? String(repeating: " ", count: 9))
                            + (l.saturatedFraction.map { String(format: " %7.1f", $0 * 100) } ?? String(repeating: " ", count: 8))
                            + (l.gradientNorm.map { String(format: "   %.3g", $0) } ?? "")
                    }
                    + stats.findings.map { "   " + $0 }
            case .classBalance(let balance):
                let findings = balance.findings
                return ["5. training images per class: \(findings.isEmpty ? "ok" : "IMBALANCED")"] + balance.lines.map { "   " + $0 }
                    + findings.map { "   \($0.evidence) → \($0.remedy)" }
            }
        }
    }

    /// The five checks' results.
    public struct Report {
        /// The model preset the checks were run on.
        public let model: ModelPreset
        /// Check 1: the initial loss against its expected value, and with regularization.
        public let initialLoss: InitialLossCheck
        /// Check 2: overfitting a small sample with regularization off.
        public let overfit: OverfitCheck
        /// Check 3: the learning-rate range test.
        public let rangeTest: LearningRateRangeTest
        /// The range test's plot (x: log10 lr; raw and smoothed loss, the suggestion).
        public let rangeTestPlot: String
        /// Check 3b: the short runs around the range test's loss minimum (nil: none ran).
        public let rateValidation: LearningRateValidation?
        /// Check 4: per-layer statistics at initialization.
        public let layerStatistics: LayerStatistics
        /// Check 5: the training images per class and the imbalance findings.
        public let classBalance: ClassBalance

        /// The short runs' best rate, else the range test's suggestion.
        public var suggestedLR: Double? { rateValidation?.bestLR ?? rangeTest.suggestedLR }
        /// Every check's findings in order, one sentence each.
        public var findings: [String] {
            initialLoss.findings + overfit.findings + rangeTest.findings + (rateValidation?.findings ?? []) + layerStatistics.findings
                + classBalance.findings.map { "\($0.evidence) → \($0.remedy)" }
        }

        /// The report as one JSON object (sorted keys; null for missing and non-finite numbers).
        public func json() throws -> Data {
            func number(_ x: Double?) -> Any { x.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
            let object: [String: Any] = [
                "model": model.rawValue,
                "initial_loss": number(initialLoss.initialLoss), "expected_initial_loss": initialLoss.expectedLoss,
                "initial_loss_ok": initialLoss.ok, "regularized_loss": number(initialLoss.regularizedLoss),
                "regularization_raises_loss": initialLoss.regularizationRaisesLoss ?? NSNull(),
                "overfit_passed": overfit.passed, "overfit_steps": overfit.steps, "overfit_samples": overfit.samples,
                "overfit_symptom": overfit.symptom?.rawValue ?? NSNull(),
                "suggested_lr": number(suggestedLR), "range_test_lr": number(rangeTest.suggestedLR), "steepest_lr": number(rangeTest.steepestLR),
                "lr_trial_epochs": rateValidation?.epochs ?? 0,
                "lr_trials": (rateValidation?.trials ?? []).map { t -> [String: Any] in
                    ["lr": t.learningRate, "validation_loss": number(t.validationLoss), "validation_accuracy": number(t.validationAccuracy),
                     "failure": t.failure ?? NSNull()]
                },
                "loss_minimum_lr": number(rangeTest.minimumLR), "lr_range_png": rangeTestPlot,
                "findings": findings,
                "class_counts": classBalance.rows.map { ["name": $0.name, "training_images": $0.trainingImages] as [String: Any] },
                "layers": layerStatistics.layers.map { l -> [String: Any] in
                    var d: [String: Any] = ["name": l.name, "kind": l.kind, "activation_mean": number(l.activationMean),
                                            "activation_std": number(l.activationStd)]
                    if let x = l.deadFraction { d["dead_fraction"] = number(x) }
                    if let x = l.saturatedFraction { d["saturated_fraction"] = number(x) }
                    if let x = l.gradientNorm { d["gradient_norm"] = number(x) }
                    return d
                },
            ]
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        }
    }

    /// Runs the five checks in order, telling `progress` of each step as it
    /// finishes; the range test's plot goes to `directory/lr-range.png`.
    public func examine(_ settings: Settings = Settings(), directory: String, progress: (Step) -> Void = { _ in }) throws -> Report {
        let initial = try checkInitialLoss()
        progress(.initialLoss(initial))
        let overfit = try overfit(samples: settings.overfitSamples, steps: settings.overfitSteps)
        progress(.overfit(overfit))
        let range = try rangeTest(settings.rangeTest)
        try Directory.create(directory)
        let plot = "\(directory)/lr-range.png"
        try range.plot(to: plot)
        let epochs = range.minimumLR == nil ? 0 : settings.validationEpochs ?? defaultValidationEpochs
        progress(.rangeTest(range, plot: plot, validationEpochs: epochs))
        let validation = try validateRates(after: range, epochs: epochs) { progress(.rateTrial($0)) }
        progress(.rateValidation(validation))
        let statistics = try layerStatistics()
        progress(.layerStatistics(statistics))
        let balance = ClassBalance(trainingSet)
        progress(.classBalance(balance))
        return Report(model: config.model.name, initialLoss: initial, overfit: overfit, rangeTest: range, rangeTestPlot: plot,
                      rateValidation: validation, layerStatistics: statistics, classBalance: balance)
    }
}
