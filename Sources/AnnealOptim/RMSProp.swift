import AnnealNN

/// RMSProp, as `torch.optim.RMSprop`:
///
///     g ← g + λ·p
///     s ← α·s + (1 − α)·g²
///     a ← √(s − ḡ²) + ε with ḡ ← α·ḡ + (1 − α)·g (centered),  a ← √s + ε (otherwise)
///     b ← μ·b + g/a,  p ← p − lr·b   (momentum > 0),   p ← p − lr·g/a (otherwise)
public final class RMSProp: Optimizer {
    public let alpha: Float
    public let centered: Bool

    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float = 1e-2, alpha: Float = 0.99,
                eps: Float = 1e-8, weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false) {
        precondition(alpha >= 0, "RMSProp: invalid alpha \(alpha)")
        self.alpha = alpha
        self.centered = centered
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, weightDecay: weightDecay, momentum: momentum, eps: eps))
    }

    public override func slotNames(for h: Hyperparameters) -> [String] {
        ["square_avg"] + (h.momentum > 0 ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
    }

    public override func update(_ u: ParameterUpdate) {
        let h = u.hyperparameters
        let p = u.value, g = u.gradient, s = u.slot("square_avg")
        let lr = h.learningRate, wd = h.weightDecay, mu = h.momentum, eps = h.eps, alpha = self.alpha
        let useMomentum = mu > 0, centered = self.centered
        // Unused slots alias `s`; the branches below never touch them.
        let b = useMomentum ? u.slot("momentum_buffer") : s
        let ga = centered ? u.slot("grad_avg") : s
        u.forEachChunk { range in
            for i in range {
                let gi = g[i] + wd * p[i]
                s[i] = alpha * s[i] + (1 - alpha) * gi * gi
                var avg: Float
                if centered {
                    ga[i] += (1 - alpha) * (gi - ga[i])
                    avg = (s[i] - ga[i] * ga[i]).squareRoot()
                } else {
                    avg = s[i].squareRoot()
                }
                avg += eps
                if useMomentum {
                    b[i] = mu * b[i] + gi / avg
                    p[i] -= lr * b[i]
                } else {
                    p[i] -= lr * (gi / avg)
                }
            }
        }
    }
}
