import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Testing

private func rowNorms(_ t: Tensor) -> [Float] {
    let rows = t.shape[0], length = t.count / rows, values = t.scalars
    return (0..<rows).map { r in values[(r * length)..<((r + 1) * length)].reduce(Float(0)) { $0 + $1 * $1 }.squareRoot() }
}

@Suite struct MaxNormConstraintTests {
    @Test func clipsRowsAboveCAndLeavesOthersAlone() {
        let linear = Linear(4, 3)
        let rows: [[Float]] = [[3, 4, 0, 0], [0.5, 0.5, 0.5, 0.5], [1, 2, 2, 0]]   // norms 5, 1, 3
        linear.weight.assign(Tensor(rows))
        linear.bias!.assign(Tensor([10, -10, 10]))
        let bn = BatchNorm1d(3)
        bn.weight.assign(Tensor([7, 7, 7]))
        let conv = Conv2d(1, 2, kernelSize: (2, 2))
        conv.weight.assign(Tensor([2, 2, 2, 2, 0.1, 0.1, 0.1, 0.1], shape: [2, 1, 2, 2]))   // filter norms 4, 0.2
        let model = Sequential(linear, bn, conv)
        let constraint = MaxNormConstraint(maxNorm: 2)
        #expect(constraint.apply(to: model) == 3)
        expectClose(rowNorms(linear.weight.value), [2, 1, 2], tolerance: 1e-6)
        expectClose(linear.weight.value.scalars, [1.2, 1.6, 0, 0, 0.5, 0.5, 0.5, 0.5, 2.0 / 3, 4.0 / 3, 4.0 / 3, 0], tolerance: 1e-6)
        expectClose(conv.weight.value.scalars, [1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1], tolerance: 1e-6)
        #expect(linear.bias!.value.scalars == [10, -10, 10])   // 1-D: skipped
        #expect(bn.weight.value.scalars == [7, 7, 7])
        #expect(constraint.apply(to: model) == 0)
        // Still the same trainable leaf.
        linear(Tensor.ones([1, 4])).sum().backward()
        #expect(linear.weight.grad != nil)
    }

    @Test func actsAfterEveryOptimizerStep() throws {
        let data = try TensorDataset(samples: randomTensor([16, 5], seed: 1, low: -3, high: 3), labels: (0..<16).map { $0 % 3 })
        let model = Sequential(Linear(5, 8), ReLU(), Linear(8, 3))
        let constraint = MaxNormConstraint(maxNorm: 0.5)
        final class Check: TrainingCallback {
            var worst: Float = 0
            func handle(_ event: TrainingEvent, trainer: Trainer) {
                guard case .batchEnd = event else { return }
                for p in trainer.model.parameters where p.shape.count == 2 { worst = max(worst, rowNorms(p.value).max()!) }
            }
        }
        let check = Check()
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 1), callbacks: [constraint, check])
        try trainer.fit(DataLoader(data, batchSize: 4), epochs: 3)
        #expect(check.worst <= 0.5 + 1e-5)
    }
}

@Suite struct DecoupledSGDTests {
    /// Takes two steps on loss = Σ c·w (constant gradient c) and returns w.
    private func twoSteps(momentum: Float, decoupled: Bool) -> [Float] {
        let p = Parameter(Tensor([1, -2, 3]))
        let c = Tensor([0.5, 0.25, -1])
        let optimizer = SGD([p], learningRate: 0.1, momentum: momentum, weightDecay: 0.2, decoupledWeightDecay: decoupled)
        for _ in 0..<2 {
            optimizer.zeroGrad()
            (p.value * c).sum().backward()
            optimizer.step()
        }
        return p.value.scalars
    }

    @Test func decoupledDecayShrinksWeightsOutsideTheMomentumBuffer() {
        // Without momentum coupled and decoupled decay are the same step.
        expectClose(twoSteps(momentum: 0, decoupled: true), twoSteps(momentum: 0, decoupled: false), tolerance: 1e-6)
        // With momentum: p ← p·(1 − lr·λ) − lr·b, b ← μ·b + g.
        let (lr, wd, mu): (Float, Float, Float) = (0.1, 0.2, 0.9)
        let c: [Float] = [0.5, 0.25, -1]
        let expected = zip([1, -2, 3] as [Float], c).map { p0, g -> Float in
            let p1 = p0 * (1 - lr * wd) - lr * g
            return p1 * (1 - lr * wd) - lr * (mu * g + g)
        }
        expectClose(twoSteps(momentum: mu, decoupled: true), expected, tolerance: 1e-6)
        #expect(twoSteps(momentum: mu, decoupled: true) != twoSteps(momentum: mu, decoupled: false))
    }
}
