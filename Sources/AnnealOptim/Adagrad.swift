import AnnealNN

/// Adagrad, as `torch.optim.Adagrad`:
///
///     g ← g + λ·p
///     lrₜ = lr / (1 + (t − 1)·lrDecay)
///     S ← S + g²   (S starts at `initialAccumulatorValue`)
///     p ← p − lrₜ · g / (√S + ε)
public final class Adagrad: Optimizer {
    public let learningRateDecay: Float
    public let initialAccumulatorValue: Float

    public init(_ parameters: some ParameterGroupsConvertible, learningRate: Float = 1e-2, learningRateDecay: Float = 0,
                weightDecay: Float = 0, initialAccumulatorValue: Float = 0, eps: Float = 1e-10) {
        precondition(learningRateDecay >= 0, "Adagrad: invalid learning rate decay \(learningRateDecay)")
        precondition(initialAccumulatorValue >= 0, "Adagrad: invalid initial accumulator value \(initialAccumulatorValue)")
        self.learningRateDecay = learningRateDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, weightDecay: weightDecay, eps: eps))
    }

    public override func slotNames(for h: Hyperparameters) -> [String] { ["sum"] }

    public override func initialValue(ofSlot name: String, hyperparameters: Hyperparameters) -> Float {
        initialAccumulatorValue
    }

    public override func update(_ u: ParameterUpdate) {
        let h = u.hyperparameters
        let p = u.value, g = u.gradient, sum = u.slot("sum")
        let wd = h.weightDecay, eps = h.eps
        let clr = Float(Double(h.learningRate) / (1 + Double(u.step - 1) * Double(learningRateDecay)))
        u.forEachChunk { range in
            for i in range {
                let pi = p[i]
                let gi = g[i] + wd * pi
                let si = sum[i] + gi * gi
                sum[i] = si
                // max(·, 0) changes nothing (S ≥ 0) but proves the sqrt cannot set
                // errno, so Linux's sqrtf call becomes a vectorizable instruction.
                p[i] = pi - clr * (gi / (max(si, 0).squareRoot() + eps))
            }
        }
    }
}
