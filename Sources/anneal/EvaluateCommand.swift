import Anneal
import ArgumentParser
import Foundation

/// Rebuilds a model from a weights file: the file's own configuration when it has
/// one (it must name the same preset), else the preset's defaults.
func loadModel(named name: String, weights path: String) throws -> (Module, Preprocessing) {
    let file = try WeightsFile.read(path)
    if let stored = file.model, stored.name != name {
        throw ConfigError("\(path): holds a '\(stored.name)' model, not '\(name)'")
    }
    let model = try (file.model ?? ModelConfig(name: name)).makeModel()
    try file.apply(to: model, path: path)
    model.eval()
    return (model, file.preprocessing ?? .none)
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "Test-set accuracy of saved weights.")

    @Option(help: "Model preset the weights belong to.") var model = "mlp"
    @Option(help: "Weights file (.safetensors).") var weights: String
    @OptionGroup var data: DataOptions
    @Option(help: "Monte-Carlo dropout: average the predictions of K passes with dropout active (batch norm stays in eval mode).")
    var mcSamples: Int?
    @Option(help: testTimeAugmentationHelp) var tta: TestTimeAugmentation = .none

    func validate() throws {
        if let mcSamples, mcSamples < 1 { throw ValidationError("--mc-samples must be at least 1, got \(mcSamples)") }
        if mcSamples != nil && tta != .none { throw ValidationError("--mc-samples and --tta do not combine; choose one") }
    }

    func run() throws {
        data.applyThreads()
        let (network, preprocessing) = try loadModel(named: model, weights: weights)
        let testSet = try FashionMNIST.load(.test, from: data.dataDir)
        let loader = DataLoader(testSet, batchSize: data.batchSize)
        let metrics = if let mcSamples {
            Trainer.evaluateMonteCarlo(network, on: loader, passes: mcSamples, preprocessing: preprocessing,
                                       including: { $0 is DropoutLayer })
        } else {
            Trainer.evaluate(network, on: loader, preprocessing: preprocessing, testTimeAugmentation: tta)
        }
        print(String(format: "test loss: %.4f", metrics.loss))
        print(String(format: "test accuracy: %.4f", metrics.accuracy))
    }
}

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Logits for the images of an IDX file, written as an N×10 float32 .npy.",
        discussion: "With --tta flip the file holds log mean probabilities of each image and its mirror image instead.")

    @Option(help: "Model preset the weights belong to.") var model = "mlp"
    @Option(help: "Weights file (.safetensors).") var weights: String
    @Option(help: "IDX image file (raw or .gz), 28×28 like Fashion-MNIST.") var input: String
    @Option(help: "Output .npy file.") var out: String
    @Option(help: "Batch size.") var batchSize = 256
    @Option(help: testTimeAugmentationHelp) var tta: TestTimeAugmentation = .none

    func run() throws {
        let (network, preprocessing) = try loadModel(named: model, weights: weights)
        let images = try IDXDataset.load(images: input)
        guard images.sampleShape == FashionMNIST.sampleShape else {
            throw ConfigError("\(input): images are \(images.sampleShape.dropFirst().map(String.init).joined(separator: "×")), the model expects 28×28")
        }
        let logits = Trainer.predict(network, on: DataLoader(images, batchSize: batchSize), preprocessing: preprocessing,
                                     testTimeAugmentation: tta)
        try NPYFile.write(logits.scalars, shape: logits.shape, to: out)
        print("wrote \(out): \(logits.shape[0])×\(logits.shape[1]) \(tta == .none ? "logits" : "log-probabilities")")
    }
}
