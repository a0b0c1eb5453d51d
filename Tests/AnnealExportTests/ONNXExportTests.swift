import AnnealData
import AnnealExperiments
import AnnealExport
import AnnealIO
import AnnealNN
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Exported models run in ONNX Runtime (and ONNX's reference evaluator) and give
/// what Anneal's predictor gives, within 1e-4 of the largest score.
@Suite struct ONNXExportTests {
    static let hasONNX = Python.run(["-c", "import onnx, onnxruntime, numpy"]).status == 0
    let dir = TemporaryDirectory()

    /// A weights file of `config` with fresh weights (batch norm statistics made
    /// non-trivial by a few training-mode passes) and `preprocessing`.
    func weights(_ config: ModelConfig, preprocessing: Preprocessing = .none, seed: UInt64 = 0, name: String) throws -> String {
        let model = try GlobalRandom.withSeed(seed) { try config.makeModel() }
        let shape = config.inputShape ?? [1, 28, 28]
        withoutGrad { for i in 0..<3 { _ = model(randomTensor([16] + shape, seed: 50 + UInt64(i), low: 0, high: 1)) } }
        let path = dir.file("\(name).safetensors")
        try WeightsFile(model: model, config: config, preprocessing: preprocessing).write(to: path)
        return path
    }

    /// Exports `predictor`, runs the checker script on `count` random images and returns its report.
    func check(_ predictor: Predictor, options: ONNXExport.Options = .init(), count: Int = 48, name: String) throws -> [String: Any] {
        let onnx = dir.file("\(name).onnx")
        try ONNXExport.write(predictor, options: options, to: onnx)
        let images = randomTensor([count] + predictor.sampleShape, seed: 7, low: 0, high: 1)
        var scores = predictor.scores(TensorDataset(unlabelled: images), batchSize: 16)
        if options.probabilities { scores = scores.softmax(axis: 1) }
        try NPYFile.write(images.scalars, shape: images.shape, to: dir.file("\(name)-images.npy"))
        try NPYFile.write(scores.scalars, shape: scores.shape, to: dir.file("\(name)-scores.npy"))
        let result = Python.run([Python.script("onnx_check.py"), onnx, dir.file("\(name)-images.npy"), dir.file("\(name)-scores.npy")])
        try #require(result.status == 0, "\(result.output)")
        let line = result.output.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    func expectAgreement(_ report: [String: Any], _ label: String) {
        let relative = report["relative_difference"] as? Double ?? .infinity
        let reference = report["reference_relative_difference"] as? Double ?? .infinity
        #expect(relative <= 1e-4, "\(label): ONNX Runtime differs by \(relative) of the largest score")
        #expect(reference <= 1e-4, "\(label): onnx.reference differs by \(reference)")
        #expect(report["top1_differences_not_near_ties"] as? Int == 0, "\(label): \(report)")
    }

    @Test(.enabled(if: hasONNX), arguments: [Activation.relu, .gelu, .selu, .leakyRelu, .elu, .silu, .tanh, .sigmoid, .softplus, .prelu])
    func mlpWithEachActivation(activation: Activation) throws {
        var config = ModelConfig(name: .mlp)
        config.hidden = [32, 16]
        config.activation = activation
        let path = try weights(config, name: "mlp-\(activation.rawValue)")
        expectAgreement(try check(try Predictor(weights: [path]), name: "mlp-\(activation.rawValue)"), "mlp \(activation.rawValue)")
    }

    @Test(.enabled(if: hasONNX), arguments: [SmallCNN.Pooling.max, .fractional])
    func cnnWithBatchNormAndPooling(pool: SmallCNN.Pooling) throws {
        var config = ModelConfig(name: .cnn)
        config.pool = pool
        config.dropConnect = 0.3
        let normalization = Preprocessing(mean: [0.3], std: [0.4])
        let path = try weights(config, preprocessing: normalization, name: "cnn-\(pool.rawValue)")
        expectAgreement(try check(try Predictor(weights: [path]), name: "cnn-\(pool.rawValue)"), "cnn \(pool.rawValue)")
    }

    @Test(.enabled(if: hasONNX)) func resnetAndFastWithFlipsAndOpsets() throws {
        for preset in [ModelPreset.resnet20, .resnet32, .resnet56] {
            var resnet = ModelConfig(name: preset)
            resnet.inputShape = [3, 16, 16]
            let path = try weights(resnet, preprocessing: Preprocessing(mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3]), name: preset.rawValue)
            expectAgreement(try check(try Predictor(weights: [path]), count: 16, name: preset.rawValue), preset.rawValue)
        }
        var fast = ModelConfig(name: .fast)
        fast.widths = [8, 8, 16, 16]
        fast.stemPatch = 2
        fast.inputShape = [1, 28, 28]
        let fastPath = try weights(fast, name: "fast")
        let predictor = try Predictor(weights: [fastPath])
        #expect(predictor.testTimeAugmentation == .flip)
        for opset in [14, 15, 17, 18, 21] {
            let report = try check(predictor, options: .init(opset: opset), name: "fast-\(opset)")
            expectAgreement(report, "fast opset \(opset)")
            #expect(report["opset"] as? Int == opset)
        }
        expectAgreement(try check(predictor, options: .init(probabilities: true), name: "fast-probabilities"), "fast probabilities")
        fast.stemPatch = nil
        fast.residualBlocks = true
        expectAgreement(try check(try Predictor(weights: [try weights(fast, name: "fast-residual")]), count: 16, name: "fast-residual"), "fast residual")
    }

    @Test(.enabled(if: hasONNX)) func ensemblesAndWhitening() throws {
        var mlp = ModelConfig(name: .mlp)
        mlp.hidden = [24]
        var whitening = Preprocessing(mean: [0.2], std: [0.3])
        var generator = RandomGenerator(seed: 9)
        whitening.whitening = .init(kind: .zca, epsilon: 0.01, explainedVariance: 1, mean: Tensor.uniform([784], using: &generator),
                                    matrix: Tensor.uniform([784, 784], low: -0.05, high: 0.05, using: &generator))
        let zca = try weights(mlp, preprocessing: whitening, name: "mlp-zca")
        expectAgreement(try check(try Predictor(weights: [zca]), name: "mlp-zca"), "mlp zca")
        var cnn = ModelConfig(name: .cnn)
        cnn.batchNorm = false
        let members = [zca, try weights(cnn, seed: 1, name: "cnn-plain"), try weights(mlp, seed: 2, name: "mlp-2")]
        for combination in [Ensemble.Combination.probabilities, .logits] {
            let report = try check(try Predictor(weights: members, combination: combination), name: "ensemble-\(combination.rawValue)")
            expectAgreement(report, "ensemble \(combination.rawValue)")
        }
        #expect(throws: ONNXExportError.self) { try ONNXExport.data(try Predictor(weights: members, combination: .vote)) }
    }

    @Test(.enabled(if: hasONNX)) func backbonesWithALinearHead() throws {
        let backbone = try weights(ModelConfig(name: .cnn), name: "backbone")
        var generator = RandomGenerator(seed: 4)
        // The default layer (the head's input, 128 features) and a named one (the first stage's pooled maps).
        for (layer, features) in [(nil, 128), ("3" as String?, 32 * 14 * 14)] {
            let head = dir.file("head-\(layer ?? "default").safetensors")
            try LinearHead(weight: Tensor.uniform([5, features], low: -0.1, high: 0.1, using: &generator),
                           bias: Tensor.uniform([5], using: &generator)).write(to: head, layer: layer)
            let predictor = try Predictor(weights: [backbone], head: head)
            expectAgreement(try check(predictor, name: "head-\(layer ?? "default")"), "cnn with a linear head at \(layer ?? "its head's input")")
        }
    }

    @Test func refusesWhatItCannotWrite() throws {
        var config = ModelConfig(name: .mlp)
        config.hidden = [8]
        let predictor = try Predictor(weights: [try weights(config, name: "small")])
        #expect(throws: ONNXExportError.self) { try ONNXExport.data(predictor, options: .init(opset: 13)) }
        #expect(throws: ONNXExportError.self) { try ONNXExport.data(predictor, options: .init(opset: 22)) }
        // A layer the exporter does not know is named.
        final class Mystery: Module { override func forward(_ input: Tensor) -> Tensor { input * 2 } }
        let model = Sequential(Flatten(), Mystery(), Linear(784, 10))
        let unknown = try Predictor(loaded: [(model, config, .none)])
        do { _ = try ONNXExport.data(unknown); Issue.record("exported an unknown layer") } catch let error as ONNXExportError {
            #expect(error.description.contains("Mystery") && error.description.contains("1"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("never.onnx")))
    }
}
