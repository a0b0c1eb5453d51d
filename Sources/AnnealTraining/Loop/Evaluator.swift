import AnnealData
import AnnealNN
import AnnealTensor

/// The one way a model is scored on a data set, after every epoch, by `evaluate`,
/// `predict`, the ablation and the recipe checks: the fitted preprocessing, then
/// the plain evaluation-mode output, test-time views (`.flip`), or Monte-Carlo
/// dropout's average over stochastic passes — all feeding one `Metrics`.
public struct Evaluator {
    /// Applied to every batch's inputs (after test-time views are taken).
    public var preprocessing: Preprocessing
    /// Views averaged per image (`.none`: the plain evaluation-mode output); not combined with `monteCarlo`.
    public var testTimeAugmentation: TestTimeAugmentation
    /// Monte-Carlo averaging: passes with the chosen stochastic layers active.
    public var monteCarlo: MonteCarlo?
    /// Maps (scores, batch) to the mean loss.
    public var lossFunction: (Tensor, Batch) -> Tensor

    /// How Monte-Carlo scoring runs: how many stochastic passes, what they average, and which layers draw.
    public struct MonteCarlo {
        /// Stochastic forward passes per batch (≥ 1).
        public var passes: Int
        /// What the passes average: softmax probabilities (the default) or logits.
        public var averaging: MonteCarloAveraging
        /// Which `StochasticLayer`s are active during the passes.
        public var including: (Module) -> Bool

        /// `including` defaults to every stochastic layer.
        public init(passes: Int, averaging: MonteCarloAveraging = .probabilities, including: @escaping (Module) -> Bool = { _ in true }) {
            precondition(passes > 0, "Evaluator.MonteCarlo: passes must be positive, got \(passes)")
            self.passes = passes
            self.averaging = averaging
            self.including = including
        }
    }

    /// Test-time views and Monte-Carlo passes do not combine: give at most one. The
    /// loss defaults to `Trainer.crossEntropyLoss`.
    public init(preprocessing: Preprocessing = .none, testTimeAugmentation: TestTimeAugmentation = .none,
                monteCarlo: MonteCarlo? = nil,
                lossFunction: @escaping (Tensor, Batch) -> Tensor = Trainer.crossEntropyLoss) {
        precondition(monteCarlo == nil || testTimeAugmentation == .none, "Evaluator: Monte-Carlo passes and test-time views do not combine")
        self.preprocessing = preprocessing
        self.testTimeAugmentation = testTimeAugmentation
        self.monteCarlo = monteCarlo
        self.lossFunction = lossFunction
    }

    /// Scores usable as logits (argmax, cross-entropy) for a batch of raw inputs;
    /// call inside `withScoringMode`.
    func scores(_ model: Module, _ inputs: Tensor) -> Tensor {
        guard let monteCarlo else { return testTimeAugmentation.scores(model, inputs, preprocessing: preprocessing) }
        let averaged = MonteCarloPrediction.average(model, preprocessing.apply(inputs), passes: monteCarlo.passes, averaging: monteCarlo.averaging)
        return monteCarlo.averaging == .probabilities ? MonteCarloPrediction.logClamped(averaged) : averaged
    }

    /// Runs `body` with `model` in evaluation mode (its chosen stochastic layers
    /// active for Monte-Carlo passes), recording no graph; restores the mode after.
    /// Plain passes keep the weights packed for the GEMM (`withPackedWeights`);
    /// Monte-Carlo passes may draw new DropConnect weights for every batch.
    func withScoringMode<R>(_ model: Module, _ body: () -> R) -> R {
        model.withMode(training: false) {
            if let monteCarlo { model.trainStochasticLayers(true, including: monteCarlo.including) }
            return withoutGrad { monteCarlo == nil ? withPackedWeights(body) : body() }
        }
    }

    /// Loss and accuracy of `model`'s scores over every batch of `loader`.
    public func evaluate(_ model: Module, on loader: DataLoader) -> Metrics {
        evaluate(model, on: loader, keepingScores: false).metrics
    }

    /// Loss and accuracy, and with `keepingScores` the scores themselves ([N, C], in
    /// order, as `predict` gives them), from one pass over `loader`.
    public func evaluate(_ model: Module, on loader: DataLoader, keepingScores: Bool) -> (metrics: Metrics, scores: Tensor?) {
        withScoringMode(model) {
            var metrics = Metrics(), kept: [Tensor] = []
            for batch in loader.batches() {
                let scores = scores(model, batch.inputs)
                metrics.add(meanLoss: lossFunction(scores, batch).item(), logits: scores, labels: batch.labels)
                if keepingScores { kept.append(scores) }
                if metrics.samples == batch.count { FaultInjection.point(.evaluation) }
            }
            return (metrics, keepingScores && !kept.isEmpty ? Tensor.concat(kept, axis: 0) : nil)
        }
    }

    /// Scores for every sample of `loader`, in order ([N, C]): logits, or log mean
    /// probabilities with test-time views or Monte-Carlo probability averaging.
    public func predict(_ model: Module, on loader: DataLoader) -> Tensor {
        withScoringMode(model) {
            Tensor.concat(loader.batches().map { scores(model, $0.inputs) }, axis: 0)
        }
    }
}
