import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining

/// The recipe's checks before a long run, on a run configuration and its training
/// images only (a validation split is held out and the test set never read):
/// 1. the initial loss is ln(classes), and regularization raises it;
/// 2. a small sample can be overfit with regularization off;
/// 3. a learning-rate range test over the training data, regularization as configured,
///    then short runs of the configuration at rates around the test's loss minimum;
/// 4. per-layer activation and gradient statistics at initialization.
/// Each check builds a fresh model from the configuration's seed.
public struct Doctor {
    /// The resolved configuration.
    public let config: RunConfig
    public let trainingSet: any Dataset
    public let preprocessing: Preprocessing
    private let loader: DataLoader
    private let inputShape: [Int]

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

    /// 1. Loss at initialization on up to 500 images, without and with an L2 (or the configured) penalty.
    public func checkInitialLoss() throws -> InitialLossCheck {
        let probe = RecipeSupport.smallSample(trainingSet, k: min(500, trainingSet.count))
        let weightDecay = config.optimizer.weightDecay ?? 0
        let l2 = config.regularization.l2 > 0 ? config.regularization.l2 : (weightDecay > 0 ? weightDecay : 1e-3)
        let penalty = WeightPenalty(l1: config.regularization.l1, l2: l2)
        return InitialLossCheck.run(model: try freshModel(regularized: false), batch: probe, classes: trainingSet.classCount,
                                    preprocessing: apply, regularizer: { penalty($0) })
    }

    /// 2. Overfit `samples` images (stratified) within `steps` steps, regularization off.
    public func overfit(samples: Int, steps: Int) throws -> OverfitCheck {
        let model = try freshModel(regularized: false)
        return OverfitCheck.run(model: model, optimizer: try optimizer(for: model, weightDecay: 0),
                                batch: RecipeSupport.smallSample(trainingSet, k: samples), maxSteps: steps, preprocessing: apply)
    }

    /// 3. The learning-rate range test over the shuffled, augmented training data.
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

    /// 4. Per-layer statistics at initialization on up to 256 images.
    public func layerStatistics() throws -> LayerStatistics {
        LayerStatistics.run(model: try freshModel(regularized: true),
                            batch: RecipeSupport.smallSample(trainingSet, k: min(256, trainingSet.count)), preprocessing: apply)
    }
}
