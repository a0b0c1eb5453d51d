import AnnealNN
import AnnealTensor
import AnnealTestSupport
import Testing

/// A small nested model with PyTorch-style names to check reflection.
private final class Block: Module {
    let fc = Linear(4, 3)
    let act = PReLU()
    let runningMean = Buffer(.zeros([3]))
    let extra: Linear? = Linear(3, 2, bias: false)
    override func forward(_ input: Tensor) -> Tensor { extra!(act(fc(input))) }
}

@Suite struct ModuleTests {
    @Test func stateDictNamesFollowPyTorch() {
        let model = Sequential(Flatten(), Linear(784, 256), ReLU(), Linear(256, 10))
        #expect(model.namedParameters().map(\.name) == ["1.weight", "1.bias", "3.weight", "3.bias"])
        #expect(model.parameterCount == 784 * 256 + 256 + 256 * 10 + 10)
        let block = Block()
        #expect(block.namedParameters().map(\.name) == ["fc.weight", "fc.bias", "act.weight", "extra.weight"])
        #expect(block.namedBuffers().map(\.name) == ["running_mean"])
        let nested = Sequential(block, Linear(2, 2))
        #expect(nested.stateDict().keys.sorted() == ["0.act.weight", "0.extra.weight", "0.fc.bias", "0.fc.weight", "0.running_mean", "1.bias", "1.weight"])
    }

    @Test func trainEvalRecurses() {
        let model = Sequential(Linear(2, 2), Sequential(Dropout(0.5)))
        model.eval()
        #expect(model.namedModules().allSatisfy { !$0.module.isTraining })
        model.train()
        #expect(model.namedModules().allSatisfy { $0.module.isTraining })
    }

    @Test func freezingByPrefix() {
        let model = Sequential(Linear(3, 3), Linear(3, 2))
        #expect(model.freeze(prefix: "0.") == 2)
        #expect(model.trainableParameters.count == 2)
        let loss = model(Tensor.ones([1, 3])).sum()
        loss.backward()
        #expect(model.parameters[0].grad == nil)
        #expect(model.parameters[2].grad != nil)
        #expect(model.summary().contains("(16 trainable, 12 frozen)") || model.summary().contains("8 trainable"))
    }

    @Test func loadStateDictRoundTripsAndRejectsMismatches() throws {
        let a = Sequential(Linear(3, 4), ReLU(), Linear(4, 2))
        let b = Sequential(Linear(3, 4), ReLU(), Linear(4, 2))
        try b.loadStateDict(a.stateDict())
        let x = randomTensor([5, 3], seed: 1)
        #expect(a(x) == b(x))
        var state = a.stateDict()
        state["2.weight"] = .zeros([3, 4])
        state["9.bias"] = .zeros([1])
        state.removeValue(forKey: "0.bias")
        let before = b.stateDict()
        #expect(throws: StateDictMismatch.self) { try b.loadStateDict(state) }
        do { try b.loadStateDict(state) } catch {
            let text = "\(error)"
            #expect(text.contains("missing keys: 0.bias"))
            #expect(text.contains("unexpected keys: 9.bias"))
            #expect(text.contains("2.weight expects [2, 4], file has [3, 4]"))
        }
        #expect(b.stateDict() == before)  // nothing half-loaded
    }

    @Test func linearMatchesNaiveAndGradients() {
        let layer = Linear(3, 2)
        let x = randomTensor([4, 3], seed: 2)
        let w = layer.weight.value.scalars, bias = layer.bias!.value.scalars
        let xs = x.scalars
        var expected = [Float](repeating: 0, count: 8)
        for i in 0..<8 {
            let (row, column) = (i / 2, i % 2)
            expected[i] = bias[column]
            for k in 0..<3 { expected[i] += xs[row * 3 + k] * w[column * 3 + k] }
        }
        expectClose(layer(x).scalars, expected)
        checkGradients([x, layer.weight.value.detached(), layer.bias!.value.detached()]) {
            $0[0].matmul($0[1], transposeB: true) + $0[2]
        }
    }
}

@Suite struct LayerTests {
    @Test func dropoutIsInvertedAndOffInEval() {
        let layer = Dropout(0.3, generator: RandomGenerator(seed: 3))
        let x = Tensor.ones([100_000])
        let y = layer(x)
        let kept = y.scalars.filter { $0 != 0 }
        #expect(abs(Float(kept.count) / 100_000 - 0.7) < 0.01)
        #expect(kept.allSatisfy { abs($0 - 1 / 0.7) < 1e-6 })
        #expect(abs(y.mean().item() - 1) < 0.02)
        layer.eval()
        #expect(layer(x) == x)
    }

    @Test func alphaDropoutKeepsSELUStatistics() {
        var g = RandomGenerator(seed: 4)
        let x = Tensor.normal([200_000], using: &g)
        let y = AlphaDropout(0.2, generator: RandomGenerator(seed: 5))(x)
        #expect(abs(y.mean().item()) < 0.02)
        #expect(abs(y.variance().item() - 1) < 0.03)
    }

    @Test func preluLearnsItsSlope() {
        let layer = PReLU(channels: 3)
        let x = randomTensor([2, 3, 2], seed: 6, awayFromZero: 0.1)
        let y = layer(x)
        for (input, output) in zip(x.scalars, y.scalars) { #expect(abs(output - (input > 0 ? input : 0.25 * input)) < 1e-6) }
        checkGradients([x, layer.weight.value.detached()]) { relu($0[0]) - $0[1].reshape([1, 3, 1]) * relu(-$0[0]) }
        y.sum().backward()
        #expect(layer.weight.grad?.shape == [3])
    }

    @Test func everyActivationLayerRuns() {
        let x = randomTensor([2, 5], seed: 7)
        for activation in Activation.allCases {
            #expect(activation.makeLayer()(x).shape == [2, 5], "\(activation)")
        }
    }
}
