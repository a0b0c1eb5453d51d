import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Foundation
import Testing

struct AdamConfig: Sendable, CustomStringConvertible {
    var learningRate: Float = 0.1
    var betas: (Float, Float) = (0.9, 0.99)
    var eps: Float = 1e-8
    var weightDecay: Float = 0
    var amsgrad = false
    var decoupled = false
    var description: String { "\(decoupled ? "AdamW" : "Adam") lr \(learningRate) betas \(betas) λ \(weightDecay) amsgrad \(amsgrad)" }

    func make(_ p: Parameter) -> Optimizer {
        decoupled
            ? AdamW([p], learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
            : Adam([p], learningRate: learningRate, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
    }
}

/// torch.optim.Adam / AdamW written out in Double.
func adamReference(_ c: AdamConfig, start: [Float], gradients: [[Double]]) -> [Double] {
    var p = start.map(Double.init)
    let lr = d(c.learningRate), wd = d(c.weightDecay), b1 = d(c.betas.0), b2 = d(c.betas.1)
    var m = [Double](repeating: 0, count: p.count), v = m, vMax = m
    for (index, gradient) in gradients.enumerated() {
        let t = Double(index + 1)
        var g = gradient
        if c.decoupled { p = (1 - lr * wd) * p } else { g = g + wd * p }
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (g * g)
        vMax = zip(vMax, v).map { max($0, $1) }
        let vHat = c.amsgrad ? vMax : v
        let denominator = (1 / (1 - pow(b2, t)).squareRoot()) * sqrt(vHat) + d(c.eps)
        p = p - (lr / (1 - pow(b1, t))) * (m / denominator)
    }
    return p
}

@Suite struct AdamTests {
    @Test(arguments: [
        AdamConfig(),
        AdamConfig(betas: (0.9, 0.999)),
        AdamConfig(weightDecay: 0.1),
        AdamConfig(amsgrad: true),
        AdamConfig(weightDecay: 0.1, amsgrad: true),
        AdamConfig(weightDecay: 0.1, decoupled: true),
        AdamConfig(learningRate: 0.01, weightDecay: 0.5, amsgrad: true, decoupled: true),
    ])
    func matchesTheUpdateFormula(_ c: AdamConfig) {
        let p = makeParameter(startValues)
        let optimizer = c.make(p)
        for steps in 1...gradientSequence.count {
            run(optimizer, on: p, gradients: [gradientSequence[steps - 1]])
            expectClose(p.value.scalars, adamReference(c, start: startValues, gradients: Array(gradientSequence.prefix(steps))),
                        "\(c) after \(steps) steps")
        }
    }

    @Test func defaultsAreTorchs() {
        let adam = Adam([makeParameter([1])])
        #expect(adam.learningRate == 1e-3 && adam.defaults.betas == (0.9, 0.999) && adam.defaults.eps == 1e-8)
        #expect(adam.defaults.weightDecay == 0 && !adam.amsgrad && !adam.decoupledWeightDecay)
        let adamW = AdamW([makeParameter([1])])
        #expect(adamW.learningRate == 1e-3 && adamW.defaults.weightDecay == 1e-2 && adamW.decoupledWeightDecay)
    }

    @Test func amsgradKeepsTheMaximumSecondMoment() {
        // The small late gradients make v fall; AMSGrad's denominator must not.
        let plain = makeParameter(startValues), ams = makeParameter(startValues)
        let a = Adam([plain], learningRate: 0.1, betas: (0.9, 0.99)), b = Adam([ams], learningRate: 0.1, betas: (0.9, 0.99), amsgrad: true)
        run(a, on: plain)
        run(b, on: ams)
        #expect(plain.value.scalars != ams.value.scalars)
        let state = b.stateDict()
        let v = state["0.exp_avg_sq"]!.scalars, vMax = state["0.max_exp_avg_sq"]!.scalars
        #expect(zip(v, vMax).allSatisfy { $0 <= $1 } && v != vMax)
    }

    @Test func decoupledDecayDiffersFromCoupled() {
        // Coupled L2 goes through the adaptive denominator; decoupled does not.
        let coupled = makeParameter(startValues), decoupled = makeParameter(startValues)
        run(Adam([coupled], learningRate: 0.1, weightDecay: 0.5), on: coupled)
        run(AdamW([decoupled], learningRate: 0.1, weightDecay: 0.5), on: decoupled)
        #expect(coupled.value.scalars != decoupled.value.scalars)
    }

    @Test func adamWWithZeroGradientOnlyDecays() {
        // After the first step m = 0, so the Adam part is 0 and only p ← p(1 − lr·λ) remains.
        let p = makeParameter([2, -4])
        let adamW = AdamW([p], learningRate: 0.1, weightDecay: 0.5)
        setGradient(p, [0, 0])
        adamW.step()
        expectClose(p.value.scalars, [2 * 0.95, -4 * 0.95])
    }

    @Test func biasCorrectionUsesEachParametersOwnStepCount() {
        // A parameter first updated on the optimizer's 3rd step gets a first-step
        // (bias-corrected t = 1) update, as PyTorch's per-parameter state["step"].
        let early = makeParameter([1]), late = makeParameter([1])
        let adam = Adam([early, late], learningRate: 0.1)
        for _ in 0..<2 {
            setGradient(early, [1])
            adam.step()
        }
        setGradient(late, [3])
        adam.step()
        let c = AdamConfig(betas: (0.9, 0.999))
        expectClose(late.value.scalars, adamReference(c, start: [1], gradients: [[3]]))
        #expect(adam.stateDict()["1.step"]?.item() == 1 && adam.stateDict()["0.step"]?.item() == 3)
        #expect(adam.stepCount == 3)
    }
}
