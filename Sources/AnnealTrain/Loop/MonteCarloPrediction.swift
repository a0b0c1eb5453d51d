import AnnealData
import AnnealNN
import AnnealTensor

/// What Monte-Carlo prediction averages over its stochastic passes.
public enum MonteCarloAveraging: String, Sendable, CaseIterable {
    /// The mean of softmax probabilities: the predictive distribution
    /// p(y|x) ≈ (1/k)·Σ softmax(f(x, z_i)) of MC dropout (Gal & Ghahramani 2016).
    case probabilities
    /// The mean of logits: converges to the eval-mode output for networks that
    /// are linear after their dropout (inverted scaling keeps the mean).
    case logits
}

/// Monte-Carlo test-time averaging (Srivastava et al. 2014, section 7.2; Gal &
/// Ghahramani 2016): the output is y = ∫ p(z) f(x, z) dz over the dropout
/// masks z; eval mode approximates it by one pass with the mean mask, this by
/// the average of k passes with fresh masks. Only `StochasticLayer`s (dropout,
/// Dropout2d, DropConnect, stochastic depth, fractional pooling; narrowed by
/// `including`) are in training mode during the passes; everything else —
/// batch norm in particular, which would otherwise use and update batch
/// statistics — stays in evaluation mode. The model's mode is restored afterwards
/// (`train(wasTraining)` on the whole model, as `Trainer.evaluate` does).
public enum MonteCarloPrediction {
    /// The average over `passes` stochastic passes of `model` on `input`:
    /// probabilities [N, C] for `.probabilities`, logits for `.logits`.
    public static func predict(_ model: Module, _ input: Tensor, passes: Int,
                               averaging: MonteCarloAveraging = .probabilities,
                               including: (Module) -> Bool = { _ in true }) -> Tensor {
        withStochasticLayers(model, including: including) { average(model, input, passes: passes, averaging: averaging) }
    }

    /// Scores usable as logits (argmax, cross-entropy): log of the averaged
    /// probabilities (so cross-entropy is −log p̄_y, the loss of the averaged
    /// prediction), or the averaged logits.
    public static func scores(_ model: Module, _ input: Tensor, passes: Int,
                              averaging: MonteCarloAveraging = .probabilities,
                              including: (Module) -> Bool = { _ in true }) -> Tensor {
        let averaged = predict(model, input, passes: passes, averaging: averaging, including: including)
        return averaging == .probabilities ? logClamped(averaged) : averaged
    }

    /// Runs `body` with `model` in eval mode except its stochastic layers, recording no graph.
    static func withStochasticLayers<R>(_ model: Module, including: (Module) -> Bool, _ body: () -> R) -> R {
        let wasTraining = model.isTraining
        model.eval()
        model.trainStochasticLayers(true, including: including)
        defer { model.train(wasTraining) }
        return withoutGrad(body)
    }

    static func average(_ model: Module, _ input: Tensor, passes: Int, averaging: MonteCarloAveraging) -> Tensor {
        precondition(passes > 0, "MonteCarloPrediction: passes must be positive, got \(passes)")
        var sum: Tensor? = nil
        for _ in 0..<passes {
            let output = model(input)
            let term = averaging == .probabilities ? output.softmax(axis: 1) : output
            sum = sum.map { $0 + term } ?? term
        }
        return sum! / Float(passes)
    }

    /// log p with p clamped away from 0, so a class no pass gave any mass costs a large finite loss.
    static func logClamped(_ probabilities: Tensor) -> Tensor {
        log(clamp(probabilities, min: .leastNormalMagnitude))
    }
}

extension Trainer {
    /// Monte-Carlo scores for every sample of `loader`, in order ([N, C]):
    /// log averaged probabilities or averaged logits (see `MonteCarloPrediction`).
    public static func predictMonteCarlo(_ model: Module, on loader: DataLoader, passes: Int,
                                         averaging: MonteCarloAveraging = .probabilities,
                                         preprocessing: Preprocessing = .none,
                                         including: (Module) -> Bool = { _ in true }) -> Tensor {
        MonteCarloPrediction.withStochasticLayers(model, including: including) {
            Tensor.concat(loader.batches().map { batch in
                let averaged = MonteCarloPrediction.average(model, preprocessing.apply(batch.inputs), passes: passes, averaging: averaging)
                return averaging == .probabilities ? MonteCarloPrediction.logClamped(averaged) : averaged
            }, axis: 0)
        }
    }

    /// Loss and accuracy of Monte-Carlo predictions (k passes per batch); the
    /// loss function sees the scores of `MonteCarloPrediction.scores`.
    public static func evaluateMonteCarlo(_ model: Module, on loader: DataLoader, passes: Int,
                                          averaging: MonteCarloAveraging = .probabilities,
                                          lossFunction: (Tensor, Batch) -> Tensor = { crossEntropy($0, labels: $1.labels) },
                                          preprocessing: Preprocessing = .none,
                                          including: (Module) -> Bool = { _ in true }) -> Metrics {
        MonteCarloPrediction.withStochasticLayers(model, including: including) {
            var metrics = Metrics()
            for batch in loader.batches() {
                let averaged = MonteCarloPrediction.average(model, preprocessing.apply(batch.inputs), passes: passes, averaging: averaging)
                let scores = averaging == .probabilities ? MonteCarloPrediction.logClamped(averaged) : averaged
                metrics.add(meanLoss: lossFunction(scores, batch).item(), logits: scores, labels: batch.labels)
            }
            return metrics
        }
    }
}
