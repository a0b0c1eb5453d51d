import Anneal
import ArgumentParser
import Foundation

/// The weights file's model, rebuilt: its own description, or `preset` for a file without one.
func loadModel(_ path: String, preset: ModelPreset?) throws -> (model: Module, config: ModelConfig, preprocessing: Preprocessing) {
    try namingModelOption { try WeightsFile.loadModel(path, preset: preset) }
}

/// Adds the option to a missing-description error ("… name the model preset it belongs to (--model)").
func namingModelOption<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as AnnealIOError where error.message.hasPrefix("has no model description") {
        throw CommandError("\(error) (--model)")
    }
}

/// One weights file's model and preprocessing, or for several comma-separated files
/// their ensemble (which applies each member's preprocessing itself).
/// `configs`: each file's model configuration, one per member.
func loadModels(_ weights: [String], preset: ModelPreset?, combine: Ensemble.Combination)
    throws -> (model: Module, preprocessing: Preprocessing, configs: [ModelConfig]) {
    let loaded = try weightsPaths(weights).map { try loadModel($0, preset: preset) }
    let configs = loaded.map(\.config)
    if loaded.count == 1 { return (loaded[0].model, loaded[0].preprocessing, configs) }
    return (Ensemble(loaded: loaded.map { ($0.model, $0.preprocessing) }, combination: combine), .none, configs)
}

extension Ensemble.Combination: ExpressibleByArgument {}

/// `--tta` where given, else the test-time augmentation of the models' preset
/// recipe (flip for fast) when every member has the same preset, else none.
func testTimeAugmentation(_ given: TestTimeAugmentation?, presets: [ModelPreset]) -> TestTimeAugmentation {
    if let given { return given }
    guard let first = presets.first, presets.allSatisfy({ $0 == first }) else { return .none }
    return first.recipe.testTimeAugmentation
}

let combineHelp = ArgumentHelp("Ensembles (several --weights): average the members' probabilities (probs), their logits, or take a majority vote.")

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Test-set accuracy of saved weights.",
        discussion: "The model and its preprocessing come from the weights file; --model is needed only for files without that description (written by PyTorch).")

    @Option(help: "Model preset, for a weights file that does not say (\(valueList(ModelPreset.self))).") var model: ModelPreset?
    @Option(parsing: .upToNextOption, help: "Weights file (.safetensors), or several (separated by spaces or commas, e.g. DIR/snapshot-*.safetensors) for an ensemble; members may be different presets.")
    var weights: [String]
    @Option(help: combineHelp) var combine: Ensemble.Combination = .probabilities
    @OptionGroup var data: DataOptions
    @Option(help: "Monte-Carlo dropout: average the predictions of K passes with dropout active (batch norm stays in eval mode).")
    var mcSamples: Int?
    @Option(help: testTimeAugmentationPresetHelp) var tta: TestTimeAugmentation?
    @Option(help: "A linear head from `anneal fit-head`: the model is the --weights backbone up to the head's layer, then this head.")
    var head: String?

    func validate() throws {
        if head != nil && weights.flatMap({ $0.split(separator: ",") }).count > 1 { throw ValidationError("--head takes one backbone (--weights), not an ensemble") }
        if let mcSamples, mcSamples < 1 { throw ValidationError("--mc-samples must be at least 1, got \(mcSamples)") }
        if mcSamples != nil && tta != nil && tta != TestTimeAugmentation.none { throw ValidationError("--mc-samples and --tta do not combine; choose one") }
    }

    func run() throws {
        data.applyThreads()
        var (network, preprocessing, configs) = try loadModels(weights, preset: model, combine: combine)
        if configs.count > 1 { print("ensemble of \(configs.count) models (\(combine.rawValue))") }
        if let head {
            let (linear, layer) = try LinearHead.read(head)
            network = try reportingLayerErrors { try HeadOnFeatures(backbone: network, layer: layer, head: linear.makeLayer()) }
        }
        var config = RunConfig()
        try data.apply(to: &config)
        let testSet = try reportingConfigErrors { try config.loadTestSet() }
        if let head = network as? HeadOnFeatures {
            guard head.head.weight.shape[0] >= testSet.classCount else {
                throw CommandError("--head: \(self.head!) has \(head.head.weight.shape[0]) classes, the test images \(testSet.classCount) (select the head's classes with --classes)")
            }
            do { try head.checkFeatureSize(sampleShape: preprocessing.outputShape(for: testSet.sampleShape)) } catch {
                throw CommandError("--head: \(self.head!): \(error)")
            }
        }
        // Monte-Carlo passes replace the preset's test-time views.
        let views = mcSamples == nil ? testTimeAugmentation(tta, presets: configs.map(\.name)) : .none
        if views != .none && tta == nil { print("test-time augmentation: \(views.rawValue) (the preset's; --tta none for the plain output)") }
        let evaluator = Evaluator(preprocessing: preprocessing, testTimeAugmentation: views,
                                  monteCarlo: mcSamples.map { .init(passes: $0, including: { $0 is DropoutLayer }) })
        let metrics = evaluator.evaluate(network, on: DataLoader(testSet, batchSize: data.batchSize ?? 1000))
        print(String(format: "test loss: %.4f", metrics.loss))
        print(String(format: "test accuracy: %.4f", metrics.accuracy))
    }
}

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Class scores for images, written as an N×K float32 .npy (and, with --csv, the predicted class names).",
        discussion: """
            --input takes PNG or JPEG files, folders of them (searched recursively; each image is resized to the model's \
            input size and given its channels), an IDX image file or an .npy array of the model's size (uint8 or float32, \
            NCHW or NHWC); several, comma- or space-separated. The file holds logits; with --tta flip the log mean \
            probabilities of each image and its mirror image instead; for an ensemble, its combined scores.
            """)

    @Option(help: "Model preset, for a weights file that does not say (\(valueList(ModelPreset.self))).") var model: ModelPreset?
    @Option(parsing: .upToNextOption, help: "Weights file (.safetensors), or several (spaces or commas) for an ensemble.") var weights: [String]
    @Option(help: combineHelp) var combine: Ensemble.Combination = .probabilities
    @Option(parsing: .upToNextOption, help: "Images: PNG/JPEG files or folders, an IDX file, or an .npy array.") var input: [String]
    @Option(help: "Output .npy file.") var out: String
    @Option(help: "Also write a CSV with one row per image: image, predicted class (number and name), probability.") var csv: String?
    @Option(help: "Batch size.") var batchSize = 256
    @Option(help: testTimeAugmentationPresetHelp) var tta: TestTimeAugmentation?

    func run() throws {
        let (network, preprocessing, configs) = try loadModels(weights, preset: model, combine: combine)
        let first = configs[0]
        let (images, names) = try loadImages(input, sampleShape: first.inputShape ?? FashionMNIST.sampleShape)
        let tta = testTimeAugmentation(self.tta, presets: configs.map(\.name))
        let scores = Evaluator(preprocessing: preprocessing, testTimeAugmentation: tta)
            .predict(network, on: DataLoader(images, batchSize: batchSize))
        try NPYFile.write(scores.scalars, shape: scores.shape, to: out)
        let kind = configs.count > 1 && combine != .logits ? "ensemble log-probabilities" : tta == .none ? "logits" : "log-probabilities"
        print("wrote \(out): \(scores.shape[0])×\(scores.shape[1]) \(kind)")
        if let csv {
            let probabilities = scores.softmax(axis: 1), k = scores.shape[1]
            let predicted = probabilities.argmax(axis: 1), values = probabilities.scalars
            let classNames = first.classNames ?? []
            var lines = ["image,class,name,probability"]
            for (i, name) in names.enumerated() {
                let c = predicted[i]
                lines.append([name, String(c), c < classNames.count ? classNames[c] : "", String(format: "%.4f", values[i * k + c])].map(csvField).joined(separator: ","))
            }
            try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: csv)
            print("wrote \(csv): the predicted class of each image")
        }
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
func csvField(_ text: String) -> String {
    text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

/// The files `--weights` lists (separated by spaces or commas); at least one.
func weightsPaths(_ weights: [String]) throws -> [String] {
    let paths = weights.flatMap { $0.split(separator: ",") }.map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard !paths.isEmpty else { throw CommandError("--weights: no file given") }
    return paths
}
