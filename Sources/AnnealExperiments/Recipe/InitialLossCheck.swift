import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// Step 1 of the recipe: the loss of the untrained model against its expected
/// value (ln C for softmax cross-entropy, C − 1 for the multiclass hinge loss
/// with near-zero scores), then with regularization on the loss must go up.
public struct InitialLossCheck: Sendable {
    /// The loss whose initial value is checked: softmax cross-entropy (expected ln C) or
    /// the multiclass hinge loss (expected C − 1).
    public enum LossKind: String, Sendable {
        /// Softmax cross-entropy: expected ln C at initialization.
        case crossEntropy = "cross-entropy"
        /// Multiclass hinge loss: expected C − 1 at initialization.
        case hinge = "hinge"
    }

    /// The untrained model's loss on the batch, in evaluation mode.
    public var initialLoss: Double
    /// The loss near-uniform scores give: ln C for cross-entropy, C − 1 for the hinge loss.
    public var expectedLoss: Double
    /// Standard deviation of the logits over the batch and classes.
    public var logitStd: Double
    /// Spread (std over classes) of the mean logit per class: a bias that favours a class.
    public var classMeanSpread: Double
    /// Whether the loss is finite and within `tolerance` of `expectedLoss`.
    public var ok: Bool
    /// Loss with the regularization term added (nil: no regularizer checked).
    public var regularizedLoss: Double?
    /// Whether the penalty is positive (nil: no regularizer checked).
    public var regularizationRaisesLoss: Bool?
    /// The verdicts in words, with the likely cause when the loss is off.
    public var findings: [String]

    /// Relative tolerance on |loss − expected| / expected.
    public static let tolerance = 0.25

    /// Runs the check on one batch, with the model in evaluation mode (no dropout).
    /// `regularizer` is the penalty added by the configured regularization (nil: skipped).
    public static func run(model: Module, batch: Batch, classes: Int, kind: LossKind = .crossEntropy,
                           preprocessing: (Tensor) -> Tensor = { $0 },
                           regularizer: ((Module) -> Tensor)? = nil) -> InitialLossCheck {
        let (loss, logits, penalty): (Double, Tensor, Double?) = model.withMode(training: false) { withoutGrad {
            let logits = model(preprocessing(batch.inputs))
            let loss = kind == .crossEntropy ? crossEntropy(logits, labels: batch.labels) : multiclassHingeLoss(logits, labels: batch.labels)
            return (Double(loss.item()), logits, regularizer.map { Double($0(model).item()) })
        } }
        let expected = kind == .crossEntropy ? log(Double(classes)) : Double(classes - 1)
        let values = logits.scalars.map(Double.init)
        let mean = values.reduce(0, +) / Double(max(values.count, 1))
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(values.count, 1))).squareRoot()
        let n = batch.labels.count
        var classMeans = [Double](repeating: 0, count: classes)
        for row in 0..<n { for c in 0..<classes { classMeans[c] += values[row * classes + c] / Double(n) } }
        let cm = classMeans.reduce(0, +) / Double(classes)
        let spread = (classMeans.map { ($0 - cm) * ($0 - cm) }.reduce(0, +) / Double(classes)).squareRoot()
        let relative = abs(loss - expected) / expected
        let ok = loss.isFinite && relative <= tolerance
        let f = RecipeSupport.format
        var findings: [String] = []
        if ok {
            findings.append("initial loss \(f(loss)) matches the expected \(f(expected)) (\(kind == .crossEntropy ? "ln \(classes)" : "C − 1")) within \(Int(tolerance * 100)) %.")
        } else {
            var cause = "logits have std \(f(std))"
            if spread > 0.5 * max(std, 1e-12) && spread > 0.5 {
                cause += " and the per-class mean logit varies by \(f(spread)): the last layer's bias favours some classes; initialize it to zero"
            } else if std > 1 {
                cause += ": the last layer is scaled too large; initialize it smaller (Xavier, or scale its weights by ~0.01)"
            } else {
                cause += "; check the loss function, the labels and the preprocessing"
            }
            findings.append("initial loss \(f(loss)) is off the expected \(f(expected)) by \(f(relative * 100)) %: \(cause).")
        }
        var raises: Bool? = nil
        var regularized: Double? = nil
        if let penalty {
            regularized = loss + penalty
            raises = penalty > 0
            findings.append(penalty > 0
                ? "with regularization on, the loss goes up to \(f(loss + penalty)) (penalty \(f(penalty))), as it should."
                : "with regularization on, the loss did not go up (penalty \(f(penalty))): the regularizer is not wired into the loss.")
        }
        return InitialLossCheck(initialLoss: loss, expectedLoss: expected, logitStd: std, classMeanSpread: spread, ok: ok,
                                regularizedLoss: regularized, regularizationRaisesLoss: raises, findings: findings)
    }
}
