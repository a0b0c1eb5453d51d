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

/// Linear → BatchNorm1d → Linear with nonzero biases, so every kind of parameter has values to penalize.
private func smallModel() -> Sequential {
    let model = Sequential(Linear(3, 4, generator: RandomGenerator(seed: 1)), BatchNorm1d(4),
                           Linear(4, 2, generator: RandomGenerator(seed: 2)))
    for (index, (_, parameter)) in model.namedParameters().enumerated() where parameter.shape.count == 1 {
        parameter.assign(randomTensor(parameter.shape, seed: UInt64(10 + index), awayFromZero: 0.1))
    }
    return model
}

/// The gradient of each parameter after backward, zeros where none arrived.
private func gradients(_ model: Module) -> [String: [Float]] {
    Dictionary(uniqueKeysWithValues: model.namedParameters().map { name, p in
        (name, p.grad?.scalars ?? [Float](repeating: 0, count: p.value.count))
    })
}

@Suite struct WeightPenaltyTests {
    @Test func groupsExcludeBiasesAndNormalizationByDefault() {
        let model = smallModel()
        let names = Dictionary(uniqueKeysWithValues: model.namedParameters().map { (ObjectIdentifier($0.parameter), $0.name) })
        let groups = WeightPenalty(l2: 0.1).groups(of: model)
        #expect(groups.map(\.name) == ["decay", "no_decay"])
        #expect(groups[0].parameters.map { names[ObjectIdentifier($0)]! } == ["0.weight", "2.weight"])
        #expect(groups[1].parameters.map { names[ObjectIdentifier($0)]! } == ["0.bias", "1.weight", "1.bias", "2.bias"])
        #expect(groups[0].l2 == 0.1 && groups[1].l2 == 0 && groups[1].l1 == 0)
        let all = WeightPenalty(l1: 0.2, includeBiasesAndNorms: true).groups(of: model)
        #expect(all[0].parameters.count == 6 && all[1].parameters.isEmpty)
        model.freeze(prefix: "2.")
        #expect(WeightPenalty(l2: 0.1).groups(of: model)[0].parameters.count == 1)
    }

    @Test func l2AddsHalfLambdaSquaredNormAndGradientLambdaW() {
        let model = smallModel()
        let penalty = WeightPenalty(l2: 0.3)(model)
        let w0 = model.namedParameters()[0].parameter.value.scalars, w2 = model.namedParameters()[4].parameter.value.scalars
        let squared = (w0 + w2).reduce(Float(0)) { $0 + $1 * $1 }
        #expect(abs(penalty.item() - 0.15 * squared) < 1e-5)
        penalty.backward()
        let grads = gradients(model)
        expectClose(grads["0.weight"]!, w0.map { 0.3 * $0 }, tolerance: 1e-6)
        expectClose(grads["2.weight"]!, w2.map { 0.3 * $0 }, tolerance: 1e-6)
        for name in ["0.bias", "1.weight", "1.bias", "2.bias"] { #expect(grads[name]!.allSatisfy { $0 == 0 }, "\(name)") }
    }

    @Test func l1AddsLambdaAbsAndGradientLambdaSign() {
        let model = smallModel()
        let penalty = WeightPenalty(l1: 0.05)(model)
        let w0 = model.namedParameters()[0].parameter.value.scalars, w2 = model.namedParameters()[4].parameter.value.scalars
        #expect(abs(penalty.item() - 0.05 * (w0 + w2).reduce(Float(0)) { $0 + abs($1) }) < 1e-5)
        penalty.backward()
        let grads = gradients(model)
        expectClose(grads["0.weight"]!, w0.map { 0.05 * ($0 > 0 ? 1 : -1) }, tolerance: 1e-7)
        expectClose(grads["2.weight"]!, w2.map { 0.05 * ($0 > 0 ? 1 : -1) }, tolerance: 1e-7)
        #expect(grads["1.weight"]!.allSatisfy { $0 == 0 })
    }

    @Test func elasticNetAddsBothGradientsAndCanIncludeBiasesAndNorms() {
        let model = smallModel()
        WeightPenalty.elasticNet(l1: 0.05, l2: 0.3, includeBiasesAndNorms: true)(model).backward()
        let grads = gradients(model)
        for (name, parameter) in model.namedParameters() {
            let expected = parameter.value.scalars.map { 0.3 * $0 + 0.05 * ($0 > 0 ? 1 : -1) }
            expectClose(grads[name]!, expected, tolerance: 1e-6, "\(name)")
        }
    }

    @Test func perGroupCoefficients() {
        let model = smallModel()
        let (first, last) = (model.namedParameters()[0].parameter, model.namedParameters()[4].parameter)
        WeightPenalty.penalty([.init([first], name: "backbone", l2: 0.1), .init([last], name: "head", l1: 0.5)]).backward()
        expectClose(first.grad!.scalars, first.value.scalars.map { 0.1 * $0 }, tolerance: 1e-6)
        expectClose(last.grad!.scalars, last.value.scalars.map { 0.5 * ($0 > 0 ? 1 : -1) }, tolerance: 1e-6)
    }

    @Test func wrappedLossAddsThePenaltyOnlyWhileTraining() throws {
        let model = smallModel()
        let penalty = WeightPenalty(l1: 0.01, l2: 0.2)
        let base: (Tensor, Batch) -> Tensor = { crossEntropy($0, labels: $1.labels) }
        let wrapped = penalty.addingTo(base, model: model)
        let batch = Batch(inputs: randomTensor([6, 3], seed: 20), labels: [0, 1, 0, 1, 1, 0], indices: Array(0..<6))
        let logits = model(batch.inputs)
        let total = wrapped(logits, batch)
        #expect(abs(total.item() - (base(logits, batch).item() + penalty(model).item())) < 1e-5)
        // Gradient = the data term's + λ₂·w + λ₁·sign(w) on the weights.
        total.backward()
        let withPenalty = gradients(model)
        model.zeroGrad()
        base(model(batch.inputs), batch).backward()
        let dataOnly = gradients(model)
        for (name, parameter) in model.namedParameters() {
            let isWeight = parameter.shape.count == 2
            let expected = zip(dataOnly[name]!, parameter.value.scalars).map { g, w in
                isWeight ? g + 0.2 * w + 0.01 * (w > 0 ? 1 : -1) : g
            }
            expectClose(withPenalty[name]!, expected, tolerance: 1e-5, "\(name)")
        }
        model.eval()
        let evalLogits = model(batch.inputs)
        #expect(wrapped(evalLogits, batch).item() == base(evalLogits, batch).item())
    }

    /// (λ/2)·Σw² is defined so that its SGD step equals coupled weight decay λ.
    @Test func l2PenaltyStepEqualsSGDWeightDecay() throws {
        let data = try TensorDataset(samples: randomTensor([8, 3], seed: 30), labels: [0, 1, 1, 0, 1, 0, 0, 1])
        func trained(_ penalize: Bool) throws -> [Tensor] {
            let model = smallModel()
            let optimizer = SGD(ParameterGroup.weightDecayGroups(of: model, weightDecay: penalize ? 0 : 0.1),
                                learningRate: 0.5, momentum: 0.9)
            let trainer = Trainer(model: model, optimizer: optimizer)
            if penalize { trainer.lossFunction = WeightPenalty(l2: 0.1).addingTo(trainer.lossFunction, model: model) }
            try trainer.fit(DataLoader(data, batchSize: 4), epochs: 2)
            return model.parameters.map(\.value)
        }
        for (a, b) in zip(try trained(true), try trained(false)) { expectClose(a.scalars, b.scalars, tolerance: 1e-5) }
    }
}
