import AnnealNN

/// Layer-wise adaptive rate scaling (You, Gitman & Ginsburg 2017, algorithm 1), SGD
/// with momentum whose rate each tensor scales by its own trust ratio, for large
/// batches:
///
///     λ ← η · ‖p‖ / (‖g‖ + β·‖p‖)             (local rate; 1 when a norm is 0)
///     v ← μ·v + lr·λ·(g + β·p)
///     p ← p − v
///
/// with η the trust coefficient and β the weight decay. Tensors whose group has no
/// weight decay (biases, normalization parameters) are not adapted (λ = 1), as is
/// usual: their norms say little about a good step.
public final class LARS: Optimizer {
    /// η, which scales every adapted tensor's local rate (default 0.001).
    public let trustCoefficient: Float

    /// Creates a LARS optimizer.
    ///
    /// - Parameters:
    ///   - parameters: A parameter list, parameter groups or a module.
    ///   - learningRate: The global rate lr of each optimizer step, before the local rate.
    ///   - momentum: Momentum coefficient μ.
    ///   - weightDecay: β, added to the gradient as β·p; tensors in groups with 0 are not adapted.
    ///   - trustCoefficient: η; must be positive.
    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float, momentum: Float = 0.9,
                weightDecay: Float = 0, trustCoefficient: Float = 0.001) {
        precondition(trustCoefficient > 0, "LARS: trust coefficient must be positive, got \(trustCoefficient)")
        self.trustCoefficient = trustCoefficient
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, weightDecay: weightDecay, momentum: momentum))
    }

    /// One slot, `"momentum_buffer"` (v), whatever the settings.
    public override func slotNames(for h: Hyperparameters) -> [String] { ["momentum_buffer"] }

    /// One LARS update in place: the tensor's local rate from its weight and
    /// gradient norms, then a momentum step (see the type's formula).
    public override func update(_ u: ParameterUpdate) {
        let p = u.value, g = u.gradient, v = u.slot("momentum_buffer")
        let h = u.hyperparameters, beta = h.weightDecay, mu = h.momentum
        var local: Float = 1
        if beta > 0 {
            let weightNorm = LayerwiseTrustRatio.norm(p, count: u.count)
            let gradientNorm = LayerwiseTrustRatio.norm(g, count: u.count)
            local = Float(Double(trustCoefficient) * LayerwiseTrustRatio.ratio(weightNorm: weightNorm, updateNorm: gradientNorm + Double(beta) * weightNorm))
        }
        let step = h.learningRate * local
        u.forEachChunk { range in
            for i in range {
                let vi = mu * v[i] + step * (g[i] + beta * p[i])
                v[i] = vi
                p[i] -= vi
            }
        }
    }
}
