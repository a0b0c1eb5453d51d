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

@Suite struct RegularizedPresetTests {
    @Test func fractionalPoolingShrinksTwentyEightToThirteen() {
        let cnn = SmallCNN.make(pool: .fractional)
        let pools = cnn.layers.compactMap { $0 as? FractionalMaxPool2d }
        #expect(pools.count == 2 && !cnn.layers.contains { $0 is MaxPool2d })
        #expect(pools.allSatisfy { abs($0.ratio - 2.0.squareRoot()) < 1e-12 })
        #expect(pools[0].outputSize(28) == 19 && pools[1].outputSize(19) == 13)
        #expect((cnn.layers[9] as! Linear).inFeatures == 64 * 13 * 13)
        let x = randomTensor([2, 1, 28, 28], seed: 1)
        #expect(cnn(x).shape == [2, 10])
        cnn.eval()
        #expect(cnn(x) == cnn(x))
        #expect((SmallCNN.make().layers[9] as! Linear).inFeatures == 64 * 7 * 7)
    }

    @Test func batchNormOffUsesIdentityAndConvolutionBiases() {
        let cnn = SmallCNN.make(batchNorm: false)
        #expect(!cnn.namedModules().contains { $0.module is BatchNorm })
        #expect(cnn.layers[1] is Identity && cnn.layers[5] is Identity)
        #expect(cnn.namedParameters().map(\.name) == ["0.weight", "0.bias", "4.weight", "4.bias", "9.weight", "9.bias", "12.weight", "12.bias"])
        #expect(cnn.namedBuffers().isEmpty)
        #expect(cnn(randomTensor([2, 1, 28, 28], seed: 2)).shape == [2, 10])
        // The default keeps its state-dict names.
        #expect(SmallCNN.make().namedParameters().map(\.name) == ["0.weight", "1.weight", "1.bias", "4.weight", "5.weight", "5.bias",
                                                                   "9.weight", "9.bias", "12.weight", "12.bias"])
    }

    @Test func dropConnectGoesOnTheHiddenLayerAndEvalMatchesThePlainNetwork() throws {
        let cnn = SmallCNN.make(dropout: 0.5, dropConnect: 0.5)
        #expect(((cnn.layers[9] as! Linear).weightTransform as? DropConnect)?.probability == 0.5)
        #expect((cnn.layers[12] as! Linear).weightTransform == nil)
        // The transform holds no tensors: the state dict keeps its names.
        #expect(cnn.namedParameters().map(\.name) == SmallCNN.make().namedParameters().map(\.name))
        cnn.eval()
        let x = randomTensor([2, 1, 28, 28], seed: 3)
        let y = cnn(x)
        #expect(cnn(x) == y)
        let plain = SmallCNN.make(dropout: 0.5)
        try plain.loadStateDict(cnn.stateDict())
        plain.eval()
        #expect(plain(x) == y)
    }
}
