import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Testing

/// Each optimizer with settings that use every slot it has.
enum OptimizerKind: String, CaseIterable, Sendable {
    case sgd, adam, adamW, rmsProp, adagrad

    func make(_ groups: [ParameterGroup]) -> Optimizer {
        switch self {
        case .sgd: SGD(groups, learningRate: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01)
        case .adam: Adam(groups, learningRate: 0.05, weightDecay: 0.01, amsgrad: true)
        case .adamW: AdamW(groups, learningRate: 0.05, amsgrad: true)
        case .rmsProp: RMSProp(groups, weightDecay: 0.01, momentum: 0.5, centered: true)
        case .adagrad: Adagrad(groups, learningRate: 0.1, learningRateDecay: 0.1, initialAccumulatorValue: 0.1)
        }
    }

    var slots: [String] {
        switch self {
        case .sgd: ["momentum_buffer"]
        case .adam, .adamW: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
        case .rmsProp: ["square_avg", "momentum_buffer", "grad_avg"]
        case .adagrad: ["sum"]
        }
    }
}

/// Two groups, three parameters of different shapes.
func makeModelParameters() -> [Parameter] {
    [Parameter(Tensor([[1, -2], [0.5, 3]])), Parameter(Tensor([0.25, -0.75, 1.5])), Parameter(Tensor([2]))]
}

func groups(_ p: [Parameter]) -> [ParameterGroup] {
    [ParameterGroup([p[0], p[1]]), ParameterGroup([p[2]], learningRateScale: 0.5)]
}

/// Deterministic gradients that differ per step and parameter.
func stepWithGradients(_ optimizer: Optimizer, _ parameters: [Parameter], step: Int) {
    for (i, p) in parameters.enumerated() {
        let n = p.value.count
        p.value.grad = Tensor((0..<n).map { Float((($0 + 3 * i + 5 * step) % 7)) / 7 - 0.4 }, shape: p.shape)
    }
    optimizer.step()
}

@Suite struct StateDictTests {
    @Test(arguments: OptimizerKind.allCases)
    func resumedOptimizerContinuesIdentically(_ kind: OptimizerKind) throws {
        let original = makeModelParameters()
        let optimizer = kind.make(groups(original))
        for s in 0..<3 { stepWithGradients(optimizer, original, step: s) }

        let state = optimizer.stateDict()
        var expectedKeys: Set<String> = ["step"]
        for i in 0..<3 { expectedKeys.insert("\(i).step"); for slot in kind.slots { expectedKeys.insert("\(i).\(slot)") } }
        #expect(Set(state.keys) == expectedKeys)
        #expect(state["step"]?.item() == 3)

        // A fresh optimizer over copies of the parameters, resumed from the state.
        let copies = original.map(copyOf)
        let resumed = kind.make(groups(copies))
        try resumed.loadStateDict(state)
        #expect(resumed.stepCount == 3)
        for s in 3..<6 {
            stepWithGradients(optimizer, original, step: s)
            stepWithGradients(resumed, copies, step: s)
        }
        for (a, b) in zip(original, copies) { #expect(a.value == b.value, "\(kind)") }
        #expect(resumed.stateDict() == optimizer.stateDict())
    }

    @Test func stateDictIsASnapshot() {
        let p = makeParameter([1, 2])
        let adam = Adam([p], learningRate: 0.1)
        run(adam, on: p, gradients: [[1, 1]])
        let saved = adam.stateDict()
        let expAvg = saved["0.exp_avg"]!.scalars
        run(adam, on: p, gradients: [[-5, 3]])
        #expect(saved["0.exp_avg"]!.scalars == expAvg)
        #expect(adam.stateDict()["0.exp_avg"]!.scalars != expAvg)
    }

    @Test func loadedStateIsNotWrittenThrough() throws {
        let p = makeParameter([1, 2])
        let adam = Adam([p], learningRate: 0.1)
        run(adam, on: p, gradients: [[1, 1]])
        let saved = adam.stateDict()
        let expAvg = saved["0.exp_avg"]!.scalars
        let resumed = Adam([copyOf(p)], learningRate: 0.1)
        try resumed.loadStateDict(saved)
        run(resumed, on: resumed.parameters[0], gradients: [[-5, 3]])
        #expect(saved["0.exp_avg"]!.scalars == expAvg)
    }

    @Test func parametersWithoutStateStartFresh() throws {
        let p = makeModelParameters()
        let adam = Adam(groups(p), learningRate: 0.1)
        stepWithGradients(adam, p, step: 0)
        var state = adam.stateDict()
        for key in state.keys where key.hasPrefix("2.") { state[key] = nil }
        let copies = p.map(copyOf)
        let resumed = Adam(groups(copies), learningRate: 0.1)
        try resumed.loadStateDict(state)
        #expect(resumed.stateDict().keys.contains { $0.hasPrefix("2.") } == false)
        // Parameter 2's next update is a first (t = 1) Adam step.
        let start = copies[2].value.scalars
        copies[2].value.grad = Tensor([0.5])
        resumed.step()
        let c = AdamConfig(learningRate: 0.05, betas: (0.9, 0.999))
        expectClose(copies[2].value.scalars, adamReference(c, start: start, gradients: [[0.5]]))
    }

    @Test func rejectsStateThatDoesNotFit() {
        let p = makeModelParameters()
        let adam = Adam(groups(p), learningRate: 0.1)
        stepWithGradients(adam, p, step: 0)
        let good = adam.stateDict()
        let before = adam.stateDict()

        func failure(_ edit: (inout [String: Tensor]) -> Void) -> OptimizerStateMismatch? {
            var state = good
            edit(&state)
            do { try adam.loadStateDict(state) } catch let error as OptimizerStateMismatch { return error } catch { return nil }
            return nil
        }

        let unknownIndex = failure { $0["3.exp_avg"] = Tensor([1]) }
        #expect(unknownIndex?.unknown == ["3.exp_avg"])
        #expect(unknownIndex?.description.contains("unknown keys: 3.exp_avg") == true)
        #expect(failure { $0["0.momentum_buffer"] = Tensor.zeros([2, 2]) }?.unknown == ["0.momentum_buffer"])
        #expect(failure { $0["lr"] = Tensor([1]) }?.unknown == ["lr"])
        let shape = failure { $0["1.exp_avg_sq"] = Tensor([1, 2]) }
        #expect(shape?.shapeMismatches.first?.key == "1.exp_avg_sq")
        #expect(shape?.shapeMismatches.first?.expected == [3] && shape?.shapeMismatches.first?.found == [2])
        #expect(shape?.description.contains("1.exp_avg_sq expects [3], state has [2]") == true)
        #expect(failure { $0["0.exp_avg"] = nil }?.missing == ["0.exp_avg"])
        #expect(failure { $0["step"] = nil }?.missing == ["step"])
        #expect(failure { $0["0.step"] = Tensor([1.5]) }?.invalidValues.count == 1)
        // Slots from an amsgrad Adam do not fit a plain one.
        let ams = Adam(groups(makeModelParameters()), learningRate: 0.1, amsgrad: true)
        stepWithGradients(ams, ams.parameters, step: 0)
        #expect(throws: OptimizerStateMismatch.self) { try adam.loadStateDict(ams.stateDict()) }
        // Nothing was half-loaded.
        #expect(adam.stateDict() == before)
    }
}
