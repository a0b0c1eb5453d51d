import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Testing

@Suite struct ParameterGroupTests {
    func names(_ group: ParameterGroup, in model: Module) -> [String] {
        let ids = Set(group.parameters.map(ObjectIdentifier.init))
        return model.namedParameters().filter { ids.contains(ObjectIdentifier($0.parameter)) }.map(\.name)
    }

    @Test func biasesAndNormalizationParametersGetNoDecay() {
        let model = TwoLayer()
        let groups = ParameterGroup.weightDecayGroups(of: model)
        #expect(groups.map(\.name) == ["decay", "no_decay"])
        #expect(names(groups[0], in: model) == ["fc.weight", "head.weight"])
        #expect(names(groups[1], in: model) == ["fc.bias", "norm.weight", "norm.bias", "head.bias"])
        #expect(groups[0].weightDecay == nil && groups[1].weightDecay == 0)
    }

    @Test func optionsIncludeThem() {
        let model = TwoLayer()
        let biases = ParameterGroup.weightDecayGroups(of: model, weightDecay: 0.1, decayBiases: true)
        #expect(names(biases[0], in: model) == ["fc.weight", "fc.bias", "norm.bias", "head.weight", "head.bias"])
        #expect(names(biases[1], in: model) == ["norm.weight"])
        #expect(biases[0].weightDecay == 0.1)
        let norms = ParameterGroup.weightDecayGroups(of: model, decayNormalization: true)
        #expect(names(norms[0], in: model) == ["fc.weight", "norm.weight", "head.weight"])
        let all = ParameterGroup.weightDecayGroups(of: model, decayBiases: true, decayNormalization: true)
        #expect(all[0].parameters.count == 6 && all[1].parameters.isEmpty)
    }

    @Test func frozenParametersAreLeftOut() {
        let model = TwoLayer()
        model.freeze(prefix: "fc.")
        let groups = ParameterGroup.weightDecayGroups(of: model)
        #expect(names(groups[0], in: model) == ["head.weight"])
        #expect(names(groups[1], in: model) == ["norm.weight", "norm.bias", "head.bias"])
    }

    @Test func optimizersFillInTheDecayGroupFromTheirDefaults() {
        let model = TwoLayer()
        let adamW = AdamW(ParameterGroup.weightDecayGroups(of: model))
        #expect(adamW.parameterGroups.map(\.weightDecay) == [1e-2, 0])
        #expect(adamW.learningRates == [1e-3, 1e-3])
        // The no-decay parameters only move by the Adam step: with a zero
        // gradient (m = 0) they do not move at all, while weights shrink.
        for p in model.parameters { p.value.grad = Tensor.zeros(p.shape) }
        adamW.step()
        #expect(model.norm.weight.value.scalars == [1, 1] && model.fc.bias.value.scalars == [0.5, -0.5])
        expectClose(model.fc.weight.value.scalars, [1, 2, 3, 4, 5, 6].map { $0 * (1 - 1e-5) })
    }
}
