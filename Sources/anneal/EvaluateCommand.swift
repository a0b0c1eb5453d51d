import Anneal
import ArgumentParser
import Foundation

/// Adds the option to a missing-description error ("… name the model preset it belongs to (--model)").
func namingModelOption<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as AnnealIOError where error.message.hasPrefix("has no model description") {
        throw CommandError("\(error) (--model)")
    }
}

extension Ensemble.Combination: ExpressibleByArgument {}

let combineHelp = ArgumentHelp("Ensembles (several --weights): average the members' probabilities (probs), their logits, or take a majority vote.")

/// Saved weights to score, as a `Predictor` takes them (evaluate, predict, export).
struct PredictorOptions: ParsableArguments {
    @Option(help: "Model preset, for a weights file that does not say (\(valueList(ModelPreset.self))).") var model: ModelPreset?
    @Option(parsing: .upToNextOption, help: "Weights file (.safetensors), or several (spaces or commas, e.g. DIR/snapshot-*.safetensors) for an ensemble; members may be different presets.")
    var weights: [String]
    @Option(help: combineHelp) var combine: Ensemble.Combination = .probabilities
    @Option(help: "A linear head from `anneal fit-head`: the model is the --weights backbone up to the head's layer, then this head.") var head: String?
    @Option(help: "Test-time augmentation: none, or flip (mean probability of each image and its mirror image); default: the preset's of the weights (flip for fast, else none).")
    var tta: TestTimeAugmentation?

    func predictor(monteCarloPasses: Int? = nil) throws -> Predictor {
        try namingModelOption { try Predictor(weights: weights, preset: model, combination: combine, head: head, testTimeAugmentation: tta, monteCarloPasses: monteCarloPasses) }
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate", abstract: "Test-set accuracy of saved weights.",
        discussion: "The model and its preprocessing come from the weights file; --model is needed only for files without that description (written by PyTorch).")

    @OptionGroup var saved: PredictorOptions
    @OptionGroup var data: DataOptions
    @Option(help: "Monte-Carlo dropout: average the predictions of K passes with dropout active (batch norm stays in eval mode).") var mcSamples: Int?

    func run() throws {
        data.applyThreads()
        let predictor = try saved.predictor(monteCarloPasses: mcSamples)
        if predictor.isEnsemble { print("ensemble of \(predictor.members.count) models (\(saved.combine.rawValue))") }
        let testSet = try reportingConfigErrors { try data.config().loadTestSet() }
        if predictor.testTimeAugmentationIsPresets {
            print("test-time augmentation: \(predictor.testTimeAugmentation.rawValue) (the preset's; --tta none for the plain output)")
        }
        let metrics: Metrics
        do { metrics = try predictor.evaluate(testSet, batchSize: data.batchSize ?? 1000) } catch let error where saved.head != nil {
            throw CommandError("--head: \(saved.head ?? ""): \(error)")
        }
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

    @OptionGroup var saved: PredictorOptions
    @Option(parsing: .upToNextOption, help: "Images: PNG/JPEG files or folders, an IDX file, or an .npy array.") var input: [String]
    @Option(help: "Output .npy file.") var out: String
    @Option(help: "Also write a CSV with one row per image: image, predicted class (number and name), probability.") var csv: String?
    @Option(help: "Batch size.") var batchSize = 256

    func run() throws {
        let predictor = try saved.predictor()
        let (images, names) = try ImageInputs.load(input, sampleShape: predictor.sampleShape)
        let scores = predictor.scores(images, batchSize: batchSize)
        try NPYFile.write(scores.scalars, shape: scores.shape, to: out)
        print("wrote \(out): \(scores.shape[0])×\(scores.shape[1]) \(predictor.scoreKind)")
        if let csv {
            try predictor.writeCSV(scores: scores, names: names, to: csv)
            print("wrote \(csv): the predicted class of each image")
        }
    }
}
