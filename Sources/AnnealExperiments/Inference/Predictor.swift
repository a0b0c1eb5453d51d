import AnnealData
import AnnealIO
import AnnealNN
import AnnealTensor
import AnnealTraining
import Foundation

/// A predictor that cannot be put together: a linear head on an ensemble, a head
/// for other classes or features than the data's. One line for the user.
public struct PredictorError: Error, CustomStringConvertible {
    /// What went wrong, in one line.
    public let description: String
    /// An error that says `description`.
    public init(_ description: String) { self.description = description }
}

/// Trained weights, ready to score images: one weights file, or several as an
/// ensemble (each member applies its own preprocessing), optionally a linear head
/// from `LinearHead` on a backbone's features; the test-time augmentation of the
/// members' preset recipe unless another is chosen, or Monte-Carlo dropout passes.
/// `anneal evaluate`, `anneal predict` and the ensemble report score through it.
public struct Predictor {
    /// What runs on a preprocessed batch: the model, the ensemble or the head on its backbone.
    public let model: Module
    /// The preprocessing of a single model (an ensemble's members apply their own).
    public let preprocessing: Preprocessing
    /// Each weights file's model description, in the order given.
    public let members: [ModelConfig]
    /// How an ensemble combines its members (unused for a single model).
    public let combination: Ensemble.Combination
    /// The views averaged per image: the caller's, else the members' preset's when they share one; none with Monte-Carlo passes.
    public let testTimeAugmentation: TestTimeAugmentation
    /// Whether `testTimeAugmentation` came from the preset's recipe rather than the caller.
    public let testTimeAugmentationIsPresets: Bool
    /// Monte-Carlo dropout: passes averaged with dropout active (nil: one plain pass).
    public let monteCarloPasses: Int?

    /// Loads `weights` (one file or several, each entry possibly a comma-separated
    /// list: an ensemble combined by `combination`).
    /// `preset` names the model of a file without a description (written by
    /// PyTorch). `head`: a linear head file, put on the single backbone at the layer
    /// it was fitted on. `testTimeAugmentation`: nil takes the members' preset's
    /// (when they share one; Monte-Carlo passes replace it).
    public init(weights: [String], preset: ModelPreset? = nil, combination: Ensemble.Combination = .probabilities, head: String? = nil,
                testTimeAugmentation: TestTimeAugmentation? = nil, monteCarloPasses: Int? = nil) throws {
        let weights = weights.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !weights.isEmpty else { throw PredictorError("no weights file given") }
        try self.init(loaded: try weights.map { try WeightsFile.loadModel($0, preset: preset) }, combination: combination, head: head,
                      testTimeAugmentation: testTimeAugmentation, monteCarloPasses: monteCarloPasses)
    }

    /// Models as `WeightsFile.loadModel` gives them (in evaluation mode); see `init(weights:…)`.
    public init(loaded: [(model: Module, config: ModelConfig, preprocessing: Preprocessing)], combination: Ensemble.Combination = .probabilities,
                head: String? = nil, testTimeAugmentation: TestTimeAugmentation? = nil, monteCarloPasses: Int? = nil) throws {
        guard !loaded.isEmpty else { throw PredictorError("no model given") }
        if head != nil && loaded.count > 1 { throw PredictorError("a linear head takes one backbone, not an ensemble") }
        if let passes = monteCarloPasses, passes < 1 { throw PredictorError("Monte-Carlo dropout needs at least 1 pass, got \(passes)") }
        if monteCarloPasses != nil, let tta = testTimeAugmentation, tta != .none {
            throw PredictorError("Monte-Carlo dropout and test-time augmentation do not combine; choose one")
        }
        members = loaded.map(\.config)
        self.combination = combination
        self.monteCarloPasses = monteCarloPasses
        var model: Module
        if loaded.count == 1 {
            (model, preprocessing) = (loaded[0].model, loaded[0].preprocessing)
        } else {
            (model, preprocessing) = (Ensemble(loaded: loaded.map { ($0.model, $0.preprocessing) }, combination: combination), .none)
        }
        if let head {
            let (linear, layer) = try LinearHead.read(head)
            do { model = try HeadOnFeatures(backbone: model, layer: layer, head: linear.makeLayer()) } catch {
                throw PredictorError("\(head): \(error)")
            }
        }
        self.model = model
        // Passes with no dropout to draw would all be the plain output.
        if let passes = monteCarloPasses, !model.namedModules().contains(where: { ($0.module as? DropoutLayer)?.probability ?? 0 > 0 }) {
            throw PredictorError("Monte-Carlo dropout (\(passes) passes) needs a model with dropout, and this one has no dropout layer "
                                 + "(train with --dropout, or evaluate without --mc-samples)")
        }
        let presets = members.map(\.name)
        let presetViews = presets.allSatisfy { $0 == presets[0] } ? presets[0].recipe.testTimeAugmentation : .none
        self.testTimeAugmentation = monteCarloPasses != nil ? .none : testTimeAugmentation ?? presetViews
        testTimeAugmentationIsPresets = monteCarloPasses == nil && testTimeAugmentation == nil && presetViews != .none
    }

    /// The images the model takes, `[C, H, W]` (Fashion-MNIST's for files that do not say).
    public var sampleShape: [Int] { members[0].inputShape ?? FashionMNIST.sampleShape }
    /// The first member's class names, where its data had them.
    public var classNames: [String]? { members[0].classNames }
    /// Whether several weights files are scored as one ensemble.
    public var isEnsemble: Bool { members.count > 1 }

    /// What `scores` holds: logits, log-probabilities (test-time views averaged) or
    /// an ensemble's combined log-probabilities.
    public var scoreKind: String {
        isEnsemble && combination != .logits ? "ensemble log-probabilities" : testTimeAugmentation == .none ? "logits" : "log-probabilities"
    }

    var evaluator: Evaluator {
        Evaluator(preprocessing: preprocessing, testTimeAugmentation: testTimeAugmentation,
                  monteCarlo: monteCarloPasses.map { .init(passes: $0, including: { $0 is DropoutLayer }) })
    }

    /// Scores `[N, K]` of every image of `images`, as `Evaluator.predict` gives them.
    public func scores(_ images: any Dataset, batchSize: Int = 256) -> Tensor {
        evaluator.predict(model, on: DataLoader(images, batchSize: batchSize))
    }

    /// Loss and accuracy on a labelled set; a head must fit its classes and features.
    public func evaluate(_ dataset: any Dataset, batchSize: Int = 1000) throws -> Metrics {
        if let head = model as? HeadOnFeatures {
            let classes = head.head.weight.shape[0]
            guard classes >= dataset.classCount else {
                throw PredictorError("the head has \(classes) classes, the test images \(dataset.classCount) (select the head's classes)")
            }
            try head.checkFeatureSize(sampleShape: preprocessing.outputShape(for: dataset.sampleShape))
        }
        return evaluator.evaluate(model, on: DataLoader(dataset, batchSize: batchSize))
    }

    /// Writes one CSV row per image: its name, the predicted class (number and
    /// name) and its probability.
    public func writeCSV(scores: Tensor, names: [String], to path: String) throws {
        let probabilities = scores.softmax(axis: 1), k = scores.shape[1]
        let predicted = probabilities.argmax(axis: 1), values = probabilities.scalars
        let classNames = self.classNames ?? []
        var lines = ["image,class,name,probability"]
        for (i, name) in names.enumerated() {
            let c = predicted[i]
            lines.append([name, String(c), c < classNames.count ? classNames[c] : "", String(format: "%.4f", values[i * k + c])]
                .map(Self.csvField).joined(separator: ","))
        }
        try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path)
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        text.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
