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

/// Fraction of nonzero values.
func keptFraction(_ values: [Float]) -> Double {
    Double(values.count { $0 != 0 }) / Double(values.count)
}

@Suite struct DropoutFamilyTests {
    @Test func dropoutKeepsOneMinusPAndScalesKeptUnits() {
        let dropout = Dropout(0.3, generator: RandomGenerator(seed: 1))
        let y = dropout(Tensor.ones([200, 100])).scalars
        #expect(abs(keptFraction(y) - 0.7) < 0.015)   // 20 000 draws: σ ≈ 0.0032
        #expect(y.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
    }

    @Test func dropoutGradientFlowsOnlyThroughKeptUnits() {
        let dropout = Dropout(0.5, generator: RandomGenerator(seed: 2))
        let x = randomTensor([40, 50], seed: 3, awayFromZero: 0.1).requiringGrad()
        let y = dropout(x)
        y.sum().backward()
        let grad = x.grad!.scalars, kept = y.scalars
        #expect(zip(grad, kept).allSatisfy { g, value in value == 0 ? g == 0 : abs(g - 2) < 1e-6 })
    }

    @Test func dropoutLayersAreIdentityAndDeterministicInEval() {
        let x = randomTensor([4, 3, 5, 5], seed: 4)
        for layer in [Dropout(0.5), Dropout2d(0.5), AlphaDropout(0.2)] as [Module] {
            layer.eval()
            #expect(layer(x) == x)
            #expect(layer(x) == layer(x))
        }
    }

    @Test func dropout2dDropsWholeChannelsPerSample() {
        let p: Float = 0.4
        let layer = Dropout2d(p, generator: RandomGenerator(seed: 5))
        let (n, c, h, w) = (64, 32, 5, 5)
        let x = randomTensor([n, c, h, w], seed: 6, low: 0.5, high: 1.5).requiringGrad()
        let y = layer(x)
        let ys = y.scalars, xs = x.scalars
        var keptChannels = 0, badMaps = 0
        for map in 0..<(n * c) {
            let range = (map * h * w)..<((map + 1) * h * w)
            let ratios = range.map { ys[$0] / xs[$0] }
            let kept = ratios[0] != 0
            if kept { keptChannels += 1 }
            // One draw per (sample, channel), broadcast over H×W, with inverted scaling.
            if !ratios.allSatisfy({ kept ? abs($0 - 1 / (1 - p)) < 1e-5 : $0 == 0 }) { badMaps += 1 }
        }
        #expect(badMaps == 0)
        #expect(abs(Double(keptChannels) / Double(n * c) - 0.6) < 0.05)   // 2048 draws: σ ≈ 0.011
        y.sum().backward()
        #expect(zip(x.grad!.scalars, ys).allSatisfy { g, value in value == 0 ? g == 0 : abs(g - 1 / (1 - p)) < 1e-5 })
    }

    @Test func dropConnectMasksLinearWeightsWithInvertedScaling() {
        let p: Float = 0.3
        let layer = Linear(200, 100, dropConnect: p, generator: RandomGenerator(seed: 7))
        layer.bias!.assign(randomTensor([100], seed: 8))
        let w = layer.weight.value.scalars, b = layer.bias!.value.scalars
        // With x = I, row i of the output is column i of the masked weight plus the bias.
        let y = layer(Tensor.identity(200))
        y.sum().backward()
        let ys = y.scalars, grad = layer.weight.grad!.scalars
        var kept = 0, badValues = 0, badGradients = 0
        for j in 0..<100 {
            for i in 0..<200 {
                let masked = ys[i * 100 + j] - b[j], original = w[j * 200 + i]
                let isKept = abs(masked) > 1e-7
                if isKept { kept += 1 }
                if !(isKept ? abs(masked - original / (1 - p)) < 1e-4 * max(1, abs(original)) : abs(masked) < 1e-6) { badValues += 1 }
                // Gradient only through kept weights (Σ over the identity rows = 1, times 1/(1−p)).
                if !(isKept ? abs(grad[j * 200 + i] - 1 / (1 - p)) < 1e-5 : grad[j * 200 + i] == 0) { badGradients += 1 }
            }
        }
        #expect(badValues == 0 && badGradients == 0)
        #expect(abs(Double(kept) / 20_000 - 0.7) < 0.015)
        // The bias is not masked: each output column sums 200 rows.
        expectClose(layer.bias!.grad!.scalars, [Float](repeating: 200, count: 100))
    }

    @Test func dropConnectMasksConvolutionKernels() {
        let p: Float = 0.5
        let conv = Conv2d(16, 32, kernelSize: (3, 3), dropConnect: p, generator: RandomGenerator(seed: 9))
        let x = randomTensor([2, 16, 6, 6], seed: 10, low: 0.1, high: 1)   // positive: every weight gets a nonzero gradient if kept
        let y = conv(x)
        y.sum().backward()
        let grad = conv.weight.grad!.scalars
        #expect(abs(keptFraction(grad) - 0.5) < 0.03)   // 4608 weights: σ ≈ 0.0074
        // The forward pass used exactly the kept weights, scaled by 1/(1−p).
        let mask = Tensor(grad.map { $0 != 0 ? 1 / (1 - p) : 0 }, shape: conv.weight.shape)
        let expected = Tensor.conv2d(x, weight: conv.weight.value.detached() * mask, bias: conv.bias!.value.detached())
        expectClose(y.scalars, expected.scalars, tolerance: 1e-4)
    }

    @Test func dropConnectIsOffInEvalAndLeavesInitialWeightsAlone() {
        let plain = Linear(6, 4, generator: RandomGenerator(seed: 11))
        let dropping = Linear(6, 4, dropConnect: 0.5, generator: RandomGenerator(seed: 11))
        #expect(plain.weight.value == dropping.weight.value)
        let x = randomTensor([3, 6], seed: 12)
        dropping.eval()
        #expect(dropping(x) == plain(x))
        #expect(dropping(x) == dropping(x))
        dropping.train()
        #expect(dropping(x) != plain(x))
        let conv = Conv2d(2, 3, kernelSize: (3, 3), dropConnect: 0.5, generator: RandomGenerator(seed: 13))
        let plainConv = Conv2d(2, 3, kernelSize: (3, 3), generator: RandomGenerator(seed: 13))
        conv.eval()
        let image = randomTensor([1, 2, 5, 5], seed: 14)
        #expect(conv(image) == plainConv(image))
    }

    @Test func trainStochasticLayersSwitchesOnlyDropoutLikeLayers() {
        let model = Sequential(Linear(4, 6, dropConnect: 0.2), BatchNorm1d(6), ReLU(), Dropout(0.5), Linear(6, 3))
        model.eval()
        #expect(model.trainStochasticLayers() == 2)   // the first Linear's DropConnect and the Dropout
        let dropConnect = (model.layers[0] as! Linear).weightTransform!
        #expect(model.layers[3].isTraining && dropConnect.isTraining)
        #expect(!model.isTraining && !model.layers[0].isTraining && !model.layers[1].isTraining && !model.layers[2].isTraining)
        model.eval()
        #expect(model.trainStochasticLayers(including: { $0 is Dropout }) == 1)
        #expect(model.layers[3].isTraining && !dropConnect.isTraining)
    }
}
