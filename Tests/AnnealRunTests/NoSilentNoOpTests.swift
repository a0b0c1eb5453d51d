import AnnealData
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Options that were accepted and then did nothing now either work or are refused.
@Suite struct NoSilentNoOpTests {
    @Test func monteCarloDropoutNeedsDropout() throws {
        var config = ModelConfig(name: .mlp)
        config.hidden = [16]
        let plain = try config.makeModel()
        let error = #expect(throws: PredictorError.self) {
            try Predictor(loaded: [(plain, config.resolved(), .none)], monteCarloPasses: 10)
        }
        #expect("\(error!)".contains("this one has no dropout layer"))
        config.dropout = 0.3
        _ = try Predictor(loaded: [(try config.makeModel(), config.resolved(), .none)], monteCarloPasses: 10)
    }

    /// The cnn's convolutions and hidden layer take the activation's Kaiming gain, LeCun for SELU, whose dropout is AlphaDropout.
    @Test(arguments: [(Activation.relu, 2.0.squareRoot()), (.tanh, 5.0 / 3), (.selu, 1.0)])
    func cnnInitializationFollowsTheActivation(activation: Activation, gain: Double) throws {
        GlobalRandom.seed(7)
        let model = SmallCNN.make(activation: activation)
        let conv = try #require(model.layers[4] as? Conv2d), hidden = try #require(model.layers[9] as? Linear)
        for (weight, fanIn) in [(conv.weight.value, 32 * 9), (hidden.weight.value, 64 * 7 * 7)] {
            let w = weight.scalars.map(Double.init)
            let std = (w.map { $0 * $0 }.reduce(0, +) / Double(w.count)).squareRoot()
            let expected = gain / Double(fanIn).squareRoot()
            #expect(abs(std - expected) < 0.05 * expected, "\(activation): std \(std), expected \(expected)")
        }
        #expect((model.layers[11] is AlphaDropout) == (activation == .selu))
    }

    @Test func preluWithOneSlopePerChannelIsReachable() throws {
        #expect(Activation(rawValue: "prelu-channel") == .preluChannel)
        let mlp = MLP.make(hidden: [16, 8], activation: .preluChannel)
        #expect(mlp.layers.compactMap { ($0 as? PReLU)?.weight.shape } == [[16], [8]])
        let cnn = SmallCNN.make(activation: .preluChannel)
        #expect(cnn.layers.compactMap { ($0 as? PReLU)?.weight.shape } == [[32], [64], [128]])
        #expect(cnn(Tensor.zeros([2, 1, 28, 28])).shape == [2, 10])
        var config = RunConfig(model: .cnn)
        config.model.activation = .preluChannel
        #expect(try config.resolved().model.activation == .preluChannel)
    }

    /// The linear scaling rule scales from the preset's recipe batch unless told otherwise; run.json keeps it,
    /// and files from before (schema 2) replay with 256.
    @Test func theLinearScalingRuleTakesItsReferenceBatchFromTheRecipe() throws {
        var config = RunConfig(model: .mlp)
        config.schedule.scaleWithBatch = true
        config.schedule.name = .constant
        config.data.batchSize = 256
        func peak(_ c: RunConfig) throws -> Float {
            let r = try c.resolved()
            return try r.schedule.rates(baseLR: 0.1, epochs: 10, stepsPerEpoch: 10, batchSize: 256).last!
        }
        #expect(try config.resolved().schedule.referenceBatch == RunConfig(model: .mlp).recipe.batchSize)
        #expect(abs(try peak(config) - 0.1 * 256 / 128) < 1e-6)
        config.schedule.referenceBatch = 512
        #expect(abs(try peak(config) - 0.05) < 1e-6)
        let replayed = try RunConfig.decode(Data(try config.resolved().jsonData()))
        #expect(replayed.schedule.referenceBatch == 512)
        let old = try RunConfig.decode(Data(#"{"version": 2, "model": {"name": "mlp"}, "schedule": {"name": "constant", "scaleWithBatch": true}}"#.utf8))
        #expect(old.schedule.referenceBatch == 256)
        #expect(try old.resolved().schedule.referenceBatch == 256)
        var unscaled = RunConfig(model: .mlp)
        unscaled.schedule.referenceBatch = 64
        #expect(throws: ConfigError.self) { try unscaled.resolved() }
    }

    @Test func featuresOfAugmentedCopies() throws {
        let dir = TemporaryDirectory()
        var config = ModelConfig(name: .cnn)
        config.classes = 10
        GlobalRandom.seed(3)
        try WeightsFile(model: try config.makeModel(), config: config.resolved(), preprocessing: .none).write(to: dir.file("w.safetensors"))
        let images = try TensorDataset(samples: randomTensor([6, 1, 28, 28], seed: 4, low: 0, high: 1), labels: [0, 1, 2, 3, 4, 5], classCount: 10)
        let written = try Features.write(weights: dir.file("w.safetensors"), layer: nil, images: { _ in images },
                                         augmentation: try AugmentationSpec.parse("crop:4"), copies: 3, seed: 1,
                                         to: dir.file("f.npy"), labelsOut: dir.file("l.npy"))
        #expect(written.rows == 18)
        let features = try NPYFile.read(dir.file("f.npy"))
        let row = written.width
        let copies = (0..<3).map { Array(features.values[($0 * 6) * row..<($0 * 6 + 1) * row]) }
        #expect(copies[0] != copies[1] && copies[1] != copies[2], "each copy draws its own crops")
        #expect(try NPYFile.read(dir.file("l.npy")).values == (0..<3).flatMap { _ in (0..<6).map(Float.init) })
        #expect(throws: ConfigError.self) {
            try Features.write(weights: dir.file("w.safetensors"), layer: nil, images: { _ in images }, copies: 2, to: dir.file("g.npy"))
        }
    }
}
