import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Testing

struct RMSPropConfig: Sendable, CustomStringConvertible {
    var learningRate: Float = 0.01
    var alpha: Float = 0.9
    var eps: Float = 1e-8
    var weightDecay: Float = 0
    var momentum: Float = 0
    var centered = false
    var description: String { "lr \(learningRate) α \(alpha) λ \(weightDecay) μ \(momentum) centered \(centered)" }
}

/// torch.optim.RMSprop written out in Double.
func rmsPropReference(_ c: RMSPropConfig, start: [Float], gradients: [[Double]]) -> [Double] {
    var p = start.map(Double.init)
    let alpha = d(c.alpha), mu = d(c.momentum)
    var square = [Double](repeating: 0, count: p.count), average = square, buffer = square
    for gradient in gradients {
        let g = gradient + d(c.weightDecay) * p
        square = alpha * square + (1 - alpha) * (g * g)
        var denominator: [Double]
        if c.centered {
            average = alpha * average + (1 - alpha) * g
            denominator = sqrt(square - average * average)
        } else {
            denominator = sqrt(square)
        }
        denominator = denominator + d(c.eps)
        if mu > 0 {
            buffer = mu * buffer + g / denominator
            p = p - d(c.learningRate) * buffer
        } else {
            p = p - d(c.learningRate) * (g / denominator)
        }
    }
    return p
}

@Suite struct RMSPropTests {
    @Test(arguments: [
        RMSPropConfig(),
        RMSPropConfig(alpha: 0.99),
        RMSPropConfig(weightDecay: 0.1),
        RMSPropConfig(momentum: 0.9),
        RMSPropConfig(centered: true),
        RMSPropConfig(learningRate: 0.05, weightDecay: 0.01, momentum: 0.5, centered: true),
    ])
    func matchesTheUpdateFormula(_ c: RMSPropConfig) {
        let p = makeParameter(startValues)
        let optimizer = RMSProp([p], learningRate: c.learningRate, alpha: c.alpha, eps: c.eps,
                                weightDecay: c.weightDecay, momentum: c.momentum, centered: c.centered)
        for steps in 1...gradientSequence.count {
            run(optimizer, on: p, gradients: [gradientSequence[steps - 1]])
            expectClose(p.value.scalars, rmsPropReference(c, start: startValues, gradients: Array(gradientSequence.prefix(steps))),
                        "\(c) after \(steps) steps", )
        }
    }

    @Test func defaultsAreTorchs() {
        let r = RMSProp([makeParameter([1])])
        #expect(r.learningRate == 1e-2 && r.alpha == 0.99 && r.defaults.eps == 1e-8)
        #expect(r.defaults.weightDecay == 0 && r.defaults.momentum == 0 && !r.centered)
    }

    @Test func slotsFollowTheSettings() {
        let p = makeParameter([1, 2]), q = makeParameter([1, 2])
        let plain = RMSProp([p]), full = RMSProp([q], momentum: 0.9, centered: true)
        run(plain, on: p, gradients: [[1, 1]])
        run(full, on: q, gradients: [[1, 1]])
        #expect(Set(plain.stateDict().keys) == ["step", "0.step", "0.square_avg"])
        #expect(Set(full.stateDict().keys) == ["step", "0.step", "0.square_avg", "0.momentum_buffer", "0.grad_avg"])
    }
}
