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
/// (`train(wasTraining)` on the whole model). Whole data sets are scored by
/// `Evaluator` with `monteCarlo` set.
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
        model.withMode(training: false) {
            model.trainStochasticLayers(true, including: including)
            return withoutGrad(body)
        }
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
    public static func logClamped(_ probabilities: Tensor) -> Tensor {
        log(clamp(probabilities, min: .leastNormalMagnitude))
    }
}
