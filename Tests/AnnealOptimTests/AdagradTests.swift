import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Testing

struct AdagradConfig: Sendable, CustomStringConvertible {
    var learningRate: Float = 0.1
    var learningRateDecay: Float = 0
    var weightDecay: Float = 0
    var initialAccumulatorValue: Float = 0
    var eps: Float = 1e-10
    var description: String { "lr \(learningRate) decay \(learningRateDecay) λ \(weightDecay) S₀ \(initialAccumulatorValue)" }
}

/// torch.optim.Adagrad written out in Double.
func adagradReference(_ c: AdagradConfig, start: [Float], gradients: [[Double]]) -> [Double] {
    var p = start.map(Double.init)
    var sum = [Double](repeating: d(c.initialAccumulatorValue), count: p.count)
    for (index, gradient) in gradients.enumerated() {
        let g = gradient + d(c.weightDecay) * p
        let clr = d(c.learningRate) / (1 + Double(index) * d(c.learningRateDecay))
        sum = sum + g * g
        p = p - clr * (g / (sqrt(sum) + d(c.eps)))
    }
    return p
}

@Suite struct AdagradTests {
    @Test(arguments: [
        AdagradConfig(),
        AdagradConfig(learningRateDecay: 0.5),
        AdagradConfig(weightDecay: 0.1),
        AdagradConfig(initialAccumulatorValue: 0.25),
        AdagradConfig(learningRate: 0.5, learningRateDecay: 0.1, weightDecay: 0.05, initialAccumulatorValue: 0.1, eps: 1e-6),
    ])
    func matchesTheUpdateFormula(_ c: AdagradConfig) {
        let p = makeParameter(startValues)
        let optimizer = Adagrad([p], learningRate: c.learningRate, learningRateDecay: c.learningRateDecay,
                                weightDecay: c.weightDecay, initialAccumulatorValue: c.initialAccumulatorValue, eps: c.eps)
        for steps in 1...gradientSequence.count {
            run(optimizer, on: p, gradients: [gradientSequence[steps - 1]])
            expectClose(p.value.scalars, adagradReference(c, start: startValues, gradients: Array(gradientSequence.prefix(steps))),
                        "\(c) after \(steps) steps")
        }
    }

    @Test func defaultsAreTorchs() {
        let a = Adagrad([makeParameter([1])])
        #expect(a.learningRate == 1e-2 && a.learningRateDecay == 0 && a.initialAccumulatorValue == 0)
        #expect(a.defaults.weightDecay == 0 && a.defaults.eps == 1e-10)
    }

    @Test func accumulatorStartsAtTheInitialValue() {
        let p = makeParameter([0, 0])
        let a = Adagrad([p], initialAccumulatorValue: 0.5)
        run(a, on: p, gradients: [[1, 2]])
        #expect(a.stateDict()["0.sum"]?.scalars == [1.5, 4.5])
    }
}
