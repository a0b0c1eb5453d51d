import AnnealNN
import AnnealTensor

/// Clips the model's gradients after backward and before the optimizer step:
/// by value (each element into [−maxValue, maxValue]) and/or by global norm
/// (all gradients scaled by maxNorm / (‖g‖₂ + 1e-6) when ‖g‖₂ > maxNorm, as
/// PyTorch's `clip_grad_norm_`); with both, values are clipped first so the norm
/// bound holds for what the optimizer sees.
///
/// A non-finite norm leaves the gradients untouched: scaling by it would turn
/// one bad element into NaN everywhere and hide which parameter went wrong from
/// a `NaNGuard` listed after this callback.
public final class GradientClipping: TrainingCallback {
    /// Bound on the global L2 norm of all gradients together (nil: no norm clipping).
    public let maxNorm: Float?
    /// Bound on each gradient element's absolute value (nil: no value clipping).
    public let maxValue: Float?
    /// The global L2 norm before clipping at the last step (norm clipping only).
    public private(set) var lastNorm: Double?
    /// Steps at which the norm bound was applied.
    public private(set) var clippedSteps = 0

    /// Give `maxNorm`, `maxValue` or both; each must be positive and finite.
    public init(maxNorm: Float? = nil, maxValue: Float? = nil) {
        precondition(maxNorm != nil || maxValue != nil, "GradientClipping: give maxNorm, maxValue or both")
        if let maxNorm { precondition(maxNorm > 0 && maxNorm.isFinite, "GradientClipping: maxNorm must be positive, got \(maxNorm)") }
        if let maxValue { precondition(maxValue > 0 && maxValue.isFinite, "GradientClipping: maxValue must be positive, got \(maxValue)") }
        self.maxNorm = maxNorm
        self.maxValue = maxValue
    }

    /// Clips the model's gradients at `afterBackward`; ignores every other event.
    public func handle(_ event: TrainingEvent, trainer: Trainer) {
        guard case .afterBackward = event else { return }
        clip(trainer.model.parameters)
    }

    /// Clips the gradients of `parameters` in place (those without one are skipped).
    public func clip(_ parameters: [Parameter]) {
        let withGradients = parameters.filter { $0.grad != nil }
        if let maxValue {
            for p in withGradients {
                p.value.grad = p.grad!.map { Swift.min(Swift.max($0, -maxValue), maxValue) }
            }
        }
        if let maxNorm {
            let norm = GradientClipping.globalNorm(withGradients)
            lastNorm = norm
            guard norm.isFinite, norm > Double(maxNorm) else { return }
            let scale = Float(Double(maxNorm) / (norm + 1e-6))
            for p in withGradients { p.value.grad = p.grad!.map { $0 * scale } }
            clippedSteps += 1
        }
    }

    /// √(Σ g²) over every gradient of `parameters`, accumulated in Double.
    public static func globalNorm(_ parameters: [Parameter]) -> Double {
        var sum = 0.0
        for p in parameters {
            guard let g = p.grad else { continue }
            g.withUnsafeBufferPointer { values in
                var partial: Float = 0
                // Float partial sums per tensor keep the loop vectorizable; Double across tensors.
                for v in values { partial += v * v }
                sum += Double(partial)
            }
        }
        return sum.squareRoot()
    }
}
