import Anneal
import ArgumentParser
import Foundation

struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features", abstract: "Features of a trained network for a set of images, written as an N×D float32 .npy.",
        discussion: """
            The images come from --input (image files or folders, an IDX file or an .npy array) or from the \
            data set (--data, --split, --classes, --per-class); for the latter --labels-out writes their labels beside them. \
            The weights file's preprocessing is applied. Fit a linear head on the result with `anneal fit-head`.
            """)

    @Option(help: "Model preset, for a weights file that does not say (\(valueList(ModelPreset.self))).") var model: ModelPreset?
    @Option(help: "Weights file (.safetensors).") var weights: String
    @Option(help: "The layer whose output is taken (a module name such as layer3 or 9); default: the head's input, the penultimate features.") var layer: String?
    @Option(help: "Images: PNG/JPEG files or folders of them (resized to the model's size), an IDX file or an .npy array, comma-separated; default: the data set's images.") var input: String?
    @Option(help: "Without --input: which images of the data set, train or test.") var split: FashionMNIST.Split = .train
    @Option(help: "Without --input: N training images per class, drawn by --seed.") var perClass: Int?
    @Option(help: "Augment every image (per-image items as train's --augment: flip, crop:2, …); with --copies, several versions of each.") var augment: String?
    @Option(help: "With --augment: augmented copies of every image, written one whole set after another (labels too).") var copies = 1
    @Option(help: "Seed for --per-class and --augment.") var seed: UInt64 = 0
    @OptionGroup var data: DataOptions
    @Option(help: "Output .npy file.") var out: String
    @Option(help: "Also write the images' labels (.npy, one per row), for data-set images.") var labelsOut: String?

    func validate() throws {
        if input != nil && (labelsOut != nil || perClass != nil || data.classes != nil) {
            throw ValidationError("--labels-out, --per-class and --classes select data-set images; they do not apply to --input")
        }
        if let perClass, perClass < 1 { throw ValidationError("--per-class must be at least 1, got \(perClass)") }
        if perClass != nil && split == .test { throw ValidationError("--per-class draws training images; the test split is always whole") }
    }

    func run() throws {
        data.applyThreads()
        let written = try namingModelOption { try reportingLayerErrors {
            try Features.write(weights: weights, preset: model, layer: layer, batchSize: data.batchSize ?? 500, images: { model in
                if let input { return try ImageInputs.load([input], sampleShape: model.inputShape ?? FashionMNIST.sampleShape).images }
                var config = try data.config()
                (config.data.perClass, config.seed) = (perClass, seed)
                return try reportingConfigErrors { split == .test ? try config.loadTestSet() : try config.loadData().train }
            }, augmentation: try augment.map { spec in try reportingConfigErrors { try AugmentationSpec.parse(spec) } }, copies: copies, seed: seed, to: out, labelsOut: labelsOut)
        } }
        print("wrote \(out): \(written.rows)×\(written.width) features of layer \(written.layer)")
        if let labelsOut { print("wrote \(labelsOut): \(written.rows) labels") }
    }
}

/// Turns an unknown layer name into one line naming the option.
func reportingLayerErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as LayerNotFound { throw CommandError("--layer: \(error)") }
}

extension FashionMNIST.Split: ExpressibleByArgument {}
