import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Testing

@Suite struct OptimizerTests {
    @Test func frozenParametersAndParametersWithoutGradientAreSkipped() {
        // Weight decay would move them even with a zero gradient; they must not move.
        let trained = makeParameter([1, 2]), frozen = makeParameter([3, 4]), idle = makeParameter([5, 6])
        frozen.freeze()
        let sgd = SGD([trained, frozen, idle], learningRate: 0.1, momentum: 0.9, weightDecay: 0.5)
        setGradient(trained, [1, 1])
        setGradient(frozen, [1, 1])  // a frozen parameter has no grad node: this is a no-op
        sgd.step()
        #expect(frozen.value.scalars == [3, 4] && idle.value.scalars == [5, 6])
        #expect(trained.value.scalars != [1, 2])
        #expect(Set(sgd.stateDict().keys) == ["step", "0.step", "0.momentum_buffer"])
    }

    @Test func parametersStayLeavesAfterAStep() {
        let p = makeParameter([1, 2, 3])
        let adam = Adam([p], learningRate: 0.1)
        let loss = (p.value * p.value).sum()
        loss.backward()
        adam.step()
        #expect(p.value.requiresGrad)
        adam.zeroGrad()
        #expect(p.grad == nil)
        // The updated leaf still collects gradients: d/dp Σp² = 2p.
        (p.value * p.value).sum().backward()
        expectClose(p.grad!.scalars, values(p).map { 2 * $0 })
    }

    @Test func updatesInPlace() {
        // An unshared value is written where it lies (no new storage per step).
        let p = makeParameter([1, 2, 3])
        let sgd = SGD([p], learningRate: 0.1)
        let before = p.value.withUnsafeBufferPointer { $0.baseAddress! }
        setGradient(p, [1, 1, 1])
        sgd.step()
        #expect(p.value.withUnsafeBufferPointer { $0.baseAddress! } == before)
    }

    @Test func perGroupLearningRatesApply() {
        let a = makeParameter([1]), b = makeParameter([1]), c = makeParameter([1])
        let sgd = SGD([ParameterGroup([a]), ParameterGroup([b], learningRate: 0.01), ParameterGroup([c], learningRateScale: 2)],
                      learningRate: 0.1)
        #expect(sgd.learningRates == [0.1, 0.01, 0.2])
        for p in [a, b, c] { setGradient(p, [1]) }
        sgd.step()
        expectClose(a.value.scalars, [0.9])
        expectClose(b.value.scalars, [0.99])
        expectClose(c.value.scalars, [0.8])
    }

    @Test func settingTheLearningRateScalesGroupsProportionally() {
        let a = makeParameter([1]), b = makeParameter([1])
        let adam = Adam([ParameterGroup([a]), ParameterGroup([b], learningRate: 1e-4)], learningRate: 1e-3)
        adam.learningRate = 0.5
        #expect(adam.learningRate == 0.5)
        expectClose(adam.learningRates, [0.5, 0.05])
        adam.learningRate = 0  // warmup from 0 keeps the ratios
        adam.learningRate = 2
        expectClose(adam.learningRates, [2, 0.2])
        // Per-group access changes one group only.
        adam.learningRates = [3, 0.1]
        #expect(adam.learningRates == [3, 0.1] && adam.learningRate == 2)
        adam.parameterGroups[1].learningRate = 0.25
        #expect(adam.learningRates == [3, 0.25])
    }

    @Test func groupSettingsOverrideTheDefaults() {
        let a = makeParameter([1]), b = makeParameter([1])
        let sgd = SGD([ParameterGroup([a]), ParameterGroup([b], weightDecay: 0, momentum: 0)],
                      learningRate: 0.1, momentum: 0.9, weightDecay: 0.5)
        #expect(sgd.parameterGroups[0].weightDecay == 0.5 && sgd.parameterGroups[0].momentum == 0.9)
        #expect(sgd.parameterGroups[1].weightDecay == 0 && sgd.parameterGroups[1].momentum == 0)
        for _ in 0..<2 {
            setGradient(a, [1])
            setGradient(b, [1])
            sgd.step()
        }
        let c = SGDConfig(learningRate: 0.1, momentum: 0.9, weightDecay: 0.5)
        expectClose(a.value.scalars, sgdReference(c, start: [1], gradients: [[1], [1]]))
        expectClose(b.value.scalars, [0.8])
        // Only the group with momentum keeps a buffer.
        #expect(Set(sgd.stateDict().keys) == ["step", "0.step", "0.momentum_buffer", "1.step"])
    }

    @Test func acceptsAModule() {
        let model = TwoLayer()
        let sgd = SGD(model, learningRate: 0.1)
        #expect(sgd.parameters.count == model.parameters.count)
    }

    @Test func largeParametersSplitAcrossThreadsMatchTheFormula() {
        // Big enough for several chunks of ParameterUpdate.grain.
        let n = 4 * ParameterUpdate.grain + 3
        let start: [Float] = (0..<n).map { (i: Int) -> Float in Float(i % 97) / 97 - 0.5 }
        let gradients: [[Double]] = (0..<2).map { (s: Int) -> [Double] in
            (0..<n).map { (i: Int) -> Double in Double((i * 7 + s) % 13) / 13 - 0.5 }
        }
        let p = Parameter(Tensor(start))
        let c = SGDConfig(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)
        run(SGD([p], learningRate: c.learningRate, momentum: c.momentum, nesterov: true, weightDecay: c.weightDecay),
            on: p, gradients: gradients)
        expectClose(p.value.scalars, sgdReference(c, start: start, gradients: gradients))
    }

    @Test func stepCounts() {
        let p = makeParameter([1])
        let sgd = SGD([p], learningRate: 0.1)
        #expect(sgd.stepCount == 0)
        run(sgd, on: p, gradients: [[1], [1], [1]])
        #expect(sgd.stepCount == 3)
    }
}

/// A small module for group and module tests: `fc.weight` (2-D), `fc.bias`,
/// `norm.weight`, `norm.bias` (1-D).
final class Affine: Module {
    let weight = Parameter(Tensor([[1, 2, 3], [4, 5, 6]]))
    let bias = Parameter(Tensor([0.5, -0.5]))
}

final class Norm: Module {
    let weight = Parameter(Tensor([1, 1]))
    let bias = Parameter(Tensor([0, 0]))
}

final class TwoLayer: Module {
    let fc = Affine()
    let norm = Norm()
    let head = Affine()
}
