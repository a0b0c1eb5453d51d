import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Testing

struct SGDConfig: Sendable, CustomStringConvertible {
    var learningRate: Float = 0.1
    var momentum: Float = 0
    var dampening: Float = 0
    var nesterov = false
    var weightDecay: Float = 0
    var description: String { "lr \(learningRate) μ \(momentum) τ \(dampening) nesterov \(nesterov) λ \(weightDecay)" }
}

/// torch.optim.SGD written out in Double.
func sgdReference(_ c: SGDConfig, start: [Float], gradients: [[Double]]) -> [Double] {
    var p = start.map(Double.init)
    var buffer: [Double]? = nil
    for g in gradients {
        var direction = g + d(c.weightDecay) * p
        if c.momentum != 0 {
            let b = buffer.map { d(c.momentum) * $0 + (1 - d(c.dampening)) * direction } ?? direction
            buffer = b
            direction = c.nesterov ? direction + d(c.momentum) * b : b
        }
        p = p - d(c.learningRate) * direction
    }
    return p
}

@Suite struct SGDTests {
    @Test(arguments: [
        SGDConfig(),
        SGDConfig(weightDecay: 0.1),
        SGDConfig(momentum: 0.9),
        SGDConfig(momentum: 0.9, dampening: 0.5),
        SGDConfig(momentum: 0.8, nesterov: true),
        SGDConfig(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01),
    ])
    func matchesTheUpdateFormula(_ c: SGDConfig) {
        let p = makeParameter(startValues)
        let sgd = SGD([p], learningRate: c.learningRate, momentum: c.momentum, dampening: c.dampening,
                      nesterov: c.nesterov, weightDecay: c.weightDecay)
        for steps in 1...gradientSequence.count {
            run(sgd, on: p, gradients: [gradientSequence[steps - 1]])
            expectClose(p.value.scalars, sgdReference(c, start: startValues, gradients: Array(gradientSequence.prefix(steps))),
                        "\(c) after \(steps) steps")
        }
    }

    @Test func firstMomentumStepSeedsTheBufferWithTheGradient() {
        // With dampening, PyTorch's first buffer is g itself, not (1 − τ)·g.
        let p = makeParameter([1])
        let sgd = SGD([p], learningRate: 1, momentum: 0.9, dampening: 0.5)
        setGradient(p, [2])
        sgd.step()
        #expect(p.value.scalars == [-1])
        #expect(sgd.stateDict()["0.momentum_buffer"]?.scalars == [2])
    }

    @Test func withoutMomentumKeepsNoBuffer() {
        let p = makeParameter(startValues)
        let sgd = SGD([p], learningRate: 0.1)
        run(sgd, on: p)
        #expect(Set(sgd.stateDict().keys) == ["step", "0.step"])
    }
}
