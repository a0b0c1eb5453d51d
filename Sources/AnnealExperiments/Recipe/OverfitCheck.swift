import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// Step 2 of the recipe: overfit k training examples with regularization off,
/// until 100 % training accuracy or a step budget; on failure, the symptom.
public struct OverfitCheck: Sendable {
    /// Why the sample could not be overfit.
    public enum Symptom: String, Sendable {
        /// The loss fell by less than 10 %: the rate is too low, gradients do not reach the weights, or the initialization is wrong.
        case flat = "loss flat"
        /// The loss became non-finite or ended above 1.5 times its start: the rate is too high.
        case diverging = "loss diverging or NaN/Inf"
        /// The loss fell, but not to 100 % accuracy within the budget: raise the rate or the steps.
        case tooSlow = "loss falling too slowly"
    }

    /// Whether the batch reached 100 % training accuracy within the step budget.
    public var passed: Bool
    /// Steps to 100 % training accuracy (the budget when it failed).
    public var steps: Int
    /// Images in the batch.
    public var samples: Int
    /// The loss before the first step.
    public var initialLoss: Double
    /// The loss at the last step taken.
    public var finalLoss: Double
    /// Training accuracy on the batch at the last step, as a fraction.
    public var finalAccuracy: Double
    /// Why it failed (nil: it passed).
    public var symptom: Symptom?
    /// The batch's loss at each step, before its update, in order.
    public var losses: [Double]
    /// The result in words, with the remedy on failure.
    public var findings: [String]

    /// Trains `model` with `optimizer` on the batch; the caller restores the weights if needed.
    public static func run(model: Module, optimizer: Optimizer, batch: Batch, maxSteps: Int = 300,
                           preprocessing: (Tensor) -> Tensor = { $0 },
                           lossFunction: (Tensor, Batch) -> Tensor = { crossEntropy($0, labels: $1.labels) }) -> OverfitCheck {
        model.train()
        var losses: [Double] = []
        var accuracy = 0.0, steps = maxSteps, passed = false
        for step in 0..<maxSteps {
            let logits = model(preprocessing(batch.inputs))
            let loss = lossFunction(logits, batch)
            let value = Double(loss.item())
            losses.append(value)
            if !value.isFinite { steps = step + 1; break }
            var metrics = Metrics()
            metrics.add(meanLoss: Float(value), logits: logits.detached(), labels: batch.labels)
            accuracy = metrics.accuracy
            if accuracy >= 1 { steps = step; passed = true; break }
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
        }
        let initial = losses.first ?? .nan, final = losses.last ?? .nan
        var symptom: Symptom? = nil
        if !passed {
            if !final.isFinite || losses.contains(where: { !$0.isFinite }) || final > 1.5 * initial { symptom = .diverging }
            else if (initial - (losses.min() ?? initial)) / max(initial, 1e-12) < 0.1 { symptom = .flat }
            else { symptom = .tooSlow }
        }
        let f = RecipeSupport.format
        var findings: [String] = []
        switch symptom {
        case nil: findings.append("overfit \(batch.labels.count) examples to 100 % training accuracy in \(steps) steps (loss \(f(initial)) → \(f(final))).")
        case .flat?: findings.append("could not overfit \(batch.labels.count) examples in \(maxSteps) steps: loss flat (\(f(initial)) → \(f(final))); the learning rate is too low, or a bug (gradients not reaching the weights) or the initialization is wrong.")
        case .diverging?: findings.append("could not overfit \(batch.labels.count) examples: the loss diverged (\(f(initial)) → \(f(final))); the learning rate is too high.")
        case .tooSlow?: findings.append("could not overfit \(batch.labels.count) examples in \(maxSteps) steps: the loss falls too slowly (\(f(initial)) → \(f(final)), accuracy \(f(accuracy))); raise the learning rate or the step budget.")
        }
        return OverfitCheck(passed: passed, steps: steps, samples: batch.labels.count, initialLoss: initial, finalLoss: final,
                            finalAccuracy: accuracy, symptom: symptom, losses: losses, findings: findings)
    }
}
