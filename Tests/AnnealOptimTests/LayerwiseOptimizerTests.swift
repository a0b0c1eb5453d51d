import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Foundation
import Testing

func norm(_ a: [Double]) -> Double { a.reduce(0) { $0 + $1 * $1 }.squareRoot() }

/// LARS (You, Gitman & Ginsburg 2017, algorithm 1) written out in Double.
func larsReference(start: [Float], gradients: [[Double]], lr: Double, momentum: Double, weightDecay: Double, trust: Double) -> [Double] {
    var p = start.map(Double.init), v = [Double](repeating: 0, count: p.count)
    for g in gradients {
        let local = weightDecay > 0 ? trust * norm(p) / (norm(g) + weightDecay * norm(p)) : 1
        v = momentum * v + (lr * local) * (g + weightDecay * p)
        p = p - v
    }
    return p
}

/// LAMB (You et al. 2019, algorithm 2) written out in Double.
func lambReference(start: [Float], gradients: [[Double]], lr: Double, betas: (Double, Double), eps: Double, weightDecay: Double) -> [Double] {
    var p = start.map(Double.init), m = [Double](repeating: 0, count: p.count), v = m
    for (k, g) in gradients.enumerated() {
        let t = Double(k + 1)
        m = betas.0 * m + (1 - betas.0) * g
        v = betas.1 * v + (1 - betas.1) * (g * g)
        let mHat = (1 / (1 - pow(betas.0, t))) * m, vHat = (1 / (1 - pow(betas.1, t))) * v
        let r = mHat / (sqrt(vHat) + eps) + weightDecay * p
        let ratio = norm(p) > 0 && norm(r) > 0 ? norm(p) / norm(r) : 1
        p = p - (lr * ratio) * r
    }
    return p
}

@Suite struct LayerwiseOptimizerTests {
    @Test(arguments: [(0.0, 0.9), (0.01, 0.9), (0.1, 0.0)])
    func larsMatchesThePaper(weightDecay: Double, momentum: Double) {
        let p = makeParameter(startValues)
        let lars = LARS([p], learningRate: 2, momentum: Float(momentum), weightDecay: Float(weightDecay), trustCoefficient: 0.01)
        for steps in 1...gradientSequence.count {
            run(lars, on: p, gradients: [gradientSequence[steps - 1]])
            expectClose(p.value.scalars, larsReference(start: startValues, gradients: Array(gradientSequence.prefix(steps)), lr: 2,
                                                       momentum: momentum, weightDecay: weightDecay, trust: 0.01),
                        "λ \(weightDecay) μ \(momentum) after \(steps) steps")
        }
    }

    @Test(arguments: [0.0, 0.01])
    func lambMatchesThePaper(weightDecay: Double) {
        let p = makeParameter(startValues)
        let lamb = LAMB([p], learningRate: 0.01, weightDecay: Float(weightDecay))
        for steps in 1...gradientSequence.count {
            run(lamb, on: p, gradients: [gradientSequence[steps - 1]])
            expectClose(p.value.scalars, lambReference(start: startValues, gradients: Array(gradientSequence.prefix(steps)), lr: 0.01,
                                                       betas: (0.9, 0.999), eps: 1e-6, weightDecay: weightDecay),
                        "λ \(weightDecay) after \(steps) steps")
        }
    }

    /// The trust ratio makes the step size scale-free: scaling the weights scales the step.
    @Test func lambStepsAreRelativeToTheWeights() {
        let small = makeParameter([0.1, -0.2, 0.3]), large = makeParameter([10, -20, 30])
        for p in [small, large] {
            let lamb = LAMB([p], learningRate: 0.1)
            setGradient(p, [1, 1, -1])
            lamb.step()
        }
        let smallStep = zip(small.value.scalars, [0.1, -0.2, 0.3]).map { Double($0 - $1) }
        let largeStep = zip(large.value.scalars, [10, -20, 30]).map { Double($0 - $1) }
        expectClose(largeStep.map { Float($0) }, smallStep.map { $0 * 100 }, tolerance: 1e-4)
    }
}
