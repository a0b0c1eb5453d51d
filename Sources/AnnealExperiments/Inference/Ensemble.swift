import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining

/// Several trained models scored as one (the notes' model ensembles: independent
/// members, snapshots of one run, different presets). Each member sees the raw
/// inputs through its own fitted preprocessing; their predictions are combined
/// into scores usable as logits, so an ensemble goes wherever a model is
/// evaluated — `Evaluator`, test-time flips, `anneal evaluate` and `predict`.
public final class Ensemble: Module {
    /// How the members' outputs become one prediction.
    public enum Combination: String, CaseIterable, Codable, Sendable {
        /// The mean of the members' softmax probabilities (scores: its log).
        case probabilities = "probs"
        /// The mean of the members' logits.
        case logits
        /// Majority vote of the members' argmax, ties broken by the mean probability
        /// (scores: the log of votes/K mixed with 0.1 % of the mean probability).
        case vote
    }

    /// The models combined, each taking the raw inputs (see `init(_:combination:)`).
    public let members: [Module]
    /// How their outputs become one prediction.
    public let combination: Combination

    /// `members` take the raw inputs: wrap each in `Preprocessed` when it has a
    /// fitted preprocessing of its own.
    public init(_ members: [Module], combination: Combination = .probabilities) {
        precondition(!members.isEmpty, "Ensemble: needs at least one member")
        self.members = members
        self.combination = combination
    }

    /// The members saved in `paths` (weights files with their model description and
    /// preprocessing; `preset` for files without one), in evaluation mode.
    public static func load(_ paths: [String], preset: ModelPreset? = nil, combination: Combination = .probabilities) throws -> Ensemble {
        try Ensemble(loaded: paths.map { path in
            let (model, _, preprocessing) = try WeightsFile.loadModel(path, preset: preset)
            return (model, preprocessing)
        }, combination: combination)
    }

    /// Members as loaded from their weights files, each with its own preprocessing, in evaluation mode.
    public convenience init(loaded: [(model: Module, preprocessing: Preprocessing)], combination: Combination = .probabilities) {
        self.init(loaded.map { Preprocessed($0.model, preprocessing: $0.preprocessing) }, combination: combination)
        eval()
    }

    /// Every member's output on `input` combined into scores `[N, C]`: logits for
    /// `logits`, else the log of the mean probabilities (or of the vote shares).
    public override func forward(_ input: Tensor) -> Tensor {
        let outputs = members.map { $0(input) }
        let count = Float(outputs.count)
        func mean(_ values: [Tensor]) -> Tensor { values.dropFirst().reduce(values[0], +) / count }
        switch combination {
        case .logits:
            return mean(outputs)
        case .probabilities:
            return MonteCarloPrediction.logClamped(mean(outputs.map { $0.softmax(axis: 1) }))
        case .vote:
            let probabilities = mean(outputs.map { $0.softmax(axis: 1) })
            let votes = mean(outputs.map { Ensemble.oneHotArgmax($0) })
            return MonteCarloPrediction.logClamped(votes * 0.999 + probabilities * 0.001)
        }
    }

    /// 1 at each row's first largest score, 0 elsewhere ([N, C]).
    static func oneHotArgmax(_ scores: Tensor) -> Tensor {
        let classes = scores.shape[1]
        var hot = [Float](repeating: 0, count: scores.count)
        scores.withUnsafeBufferPointer { values in
            for row in 0..<scores.shape[0] {
                let slice = values[(row * classes)..<((row + 1) * classes)]
                if let best = slice.indices.max(by: { slice[$0] < slice[$1] }) { hot[best] = 1 }   // the first of equal maxima
            }
        }
        return Tensor(hot, shape: scores.shape)
    }
}

/// A model behind its fitted preprocessing: takes raw inputs.
public final class Preprocessed: Module {
    /// The model, which takes preprocessed inputs.
    public let model: Module
    /// The preprocessing fitted on the model's training images, applied to every input.
    public let preprocessing: Preprocessing

    /// `model` behind `preprocessing`.
    public init(_ model: Module, preprocessing: Preprocessing) {
        self.model = model
        self.preprocessing = preprocessing
    }

    /// The model's output on `input` after the preprocessing.
    public override func forward(_ input: Tensor) -> Tensor { model(preprocessing.apply(input)) }
}
