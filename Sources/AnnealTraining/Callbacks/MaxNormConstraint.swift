import AnnealNN
import AnnealTensor

/// Max-norm regularization (Srivastava et al. 2014, section 5.1): after every
/// optimizer step, each weight vector whose L2 norm exceeds c is scaled back to
/// norm c — a Linear weight's rows (one per output unit, its incoming weights)
/// and a Conv2d weight's output filters (axis 0 of [out, in, kH, kW]). Vectors
/// inside the ball are left alone. Bounding the norm lets dropout networks use
/// large learning rates without the weights blowing up.
///
/// Biases and other 1-D (normalization) parameters are skipped; so are frozen ones.
/// Acts on `.batchEnd`, which comes after `optimizer.step()`.
public final class MaxNormConstraint: TrainingCallback {
    /// The bound c on each weight vector's L2 norm.
    public let maxNorm: Float
    /// Weight vectors rescaled at the last step.
    public private(set) var lastClippedVectors = 0

    /// Bounds every weight vector's L2 norm by `maxNorm` (positive, finite).
    public init(maxNorm: Float) {
        precondition(maxNorm > 0 && maxNorm.isFinite, "MaxNormConstraint: maxNorm must be positive, got \(maxNorm)")
        self.maxNorm = maxNorm
    }

    /// Applies the constraint to the model at every `batchEnd` (after the optimizer step).
    public func handle(_ event: TrainingEvent, trainer: Trainer) {
        guard case .batchEnd = event else { return }
        apply(to: trainer.model)
    }

    /// Constrains every trainable parameter of rank ≥ 2 of `model`; returns how
    /// many weight vectors were rescaled.
    @discardableResult
    public func apply(to model: Module) -> Int {
        var clipped = 0
        for parameter in model.parameters where !parameter.isFrozen && parameter.shape.count >= 2 {
            clipped += MaxNormConstraint.constrain(parameter, maxNorm: maxNorm)
        }
        lastClippedVectors = clipped
        return clipped
    }

    /// Rescales the slices along axis 0 of `parameter` with L2 norm above
    /// `maxNorm` to exactly `maxNorm`, in place (the parameter stays the same
    /// autodiff leaf, as after an optimizer step); returns how many were rescaled.
    @discardableResult
    public static func constrain(_ parameter: Parameter, maxNorm: Float) -> Int {
        let rows = parameter.shape.first ?? 1
        let length = rows == 0 ? 0 : parameter.value.count / rows
        // Norms first, read-only: the common case (nothing to clip) writes nothing.
        let scales: [Float] = parameter.value.withUnsafeBufferPointer { w in
            (0..<rows).map { row in
                var sum: Double = 0
                for v in w[(row * length)..<((row + 1) * length)] { sum += Double(v) * Double(v) }
                let norm = sum.squareRoot()
                return norm > Double(maxNorm) ? Float(Double(maxNorm) / norm) : 1
            }
        }
        let clipped = scales.count { $0 != 1 }
        guard clipped > 0 else { return 0 }
        parameter.value.withUnsafeMutableBufferPointer { w in
            for (row, scale) in scales.enumerated() where scale != 1 {
                for i in (row * length)..<((row + 1) * length) { w[i] *= scale }
            }
        }
        return clipped
    }
}
