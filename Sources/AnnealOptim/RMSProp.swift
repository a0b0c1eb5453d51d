import AnnealNN

/// RMSProp, as `torch.optim.RMSprop`:
///
///     g ← g + λ·p
///     s ← α·s + (1 − α)·g²
///     a ← √(s − ḡ²) + ε with ḡ ← α·ḡ + (1 − α)·g (centered),  a ← √s + ε (otherwise)
///     b ← μ·b + g/a,  p ← p − lr·b   (momentum > 0),   p ← p − lr·g/a (otherwise)
public final class RMSProp: Optimizer {
    /// Smoothing constant α of the squared-gradient average (default 0.99).
    public let alpha: Float
    /// Whether to divide by the estimated standard deviation (the square average
    /// minus the squared mean gradient) instead of the root mean square.
    public let centered: Bool

    /// Creates an RMSProp optimizer with `torch.optim.RMSprop`'s defaults.
    ///
    /// - Parameters:
    ///   - parameters: A parameter list, parameter groups or a module.
    ///   - learningRate: The step size lr of each optimizer step.
    ///   - alpha: Smoothing constant of the squared-gradient average; must be ≥ 0.
    ///   - eps: Term added to the denominator for numerical stability.
    ///   - weightDecay: L2 penalty λ added to the gradient.
    ///   - momentum: Momentum coefficient μ; 0 for none.
    ///   - centered: Whether to normalize by the centered (variance) estimate.
    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float = 1e-2, alpha: Float = 0.99,
                eps: Float = 1e-8, weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false) {
        precondition(alpha >= 0, "RMSProp: invalid alpha \(alpha)")
        self.alpha = alpha
        self.centered = centered
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, weightDecay: weightDecay, momentum: momentum, eps: eps))
    }

    /// `"square_avg"` (s), plus `"momentum_buffer"` (b) when momentum > 0 and
    /// `"grad_avg"` (ḡ) when centered.
    public override func slotNames(for h: Hyperparameters) -> [String] {
        ["square_avg"] + (h.momentum > 0 ? ["momentum_buffer"] : []) + (centered ? ["grad_avg"] : [])
    }

    /// One RMSProp update in place (see the type's formula).
    public override func update(_ u: ParameterUpdate) {
        let h = u.hyperparameters
        let momentum = h.momentum > 0, centered = self.centered
        let s = u.slot("square_avg")
        // Unused slots alias `s`; the variant that runs never touches them.
        let kernel = RMSPropKernel(
            p: u.value, g: u.gradient, s: s,
            b: momentum ? u.slot("momentum_buffer") : s, ga: centered ? u.slot("grad_avg") : s,
            lr: h.learningRate, alpha: alpha, eps: h.eps, wd: h.weightDecay, mu: h.momentum)
        u.forEachChunk { range in
            // Constant flags per call let each variant's loop vectorize.
            switch (centered, momentum) {
            case (false, false): kernel(range, centered: false, momentum: false)
            case (false, true): kernel(range, centered: false, momentum: true)
            case (true, false): kernel(range, centered: true, momentum: false)
            case (true, true): kernel(range, centered: true, momentum: true)
            }
        }
    }
}

/// RMSProp's elementwise update over one chunk.
struct RMSPropKernel {
    let p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>
    let s: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, ga: UnsafeMutablePointer<Float>
    let lr: Float, alpha: Float, eps: Float, wd: Float, mu: Float

    @inline(__always)
    func callAsFunction(_ range: Range<Int>, centered: Bool, momentum: Bool) {
        for i in range {
            let pi = p[i]
            let gi = g[i] + wd * pi
            let si = alpha * s[i] + (1 - alpha) * gi * gi
            s[i] = si
            var variance = si
            if centered {
                let ai = ga[i] + (1 - alpha) * (gi - ga[i])
                ga[i] = ai
                variance = si - ai * ai
            }
            // max(·, 0): a centered variance rounded below 0 gives ε, not NaN
            // (PyTorch: NaN); it also lets the sqrt vectorize (no errno on Linux).
            let avg = max(variance, 0).squareRoot() + eps
            if momentum {
                let bi = mu * b[i] + gi / avg
                b[i] = bi
                p[i] = pi - lr * bi
            } else {
                p[i] = pi - lr * (gi / avg)
            }
        }
    }
}
