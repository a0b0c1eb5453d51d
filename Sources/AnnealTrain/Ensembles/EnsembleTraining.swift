import AnnealData
import AnnealIO
import Foundation

/// Independent members of an ensemble: K runs of one configuration that differ
/// in seed (the base seed + i: other initial weights, data order, dropout and
/// augmentation draws), trained one after another into `DIR/member-i`. A kill
/// loses nothing: training again skips the finished members and resumes the
/// unfinished one from its checkpoint. `DIR/ensemble.json` lists the members.
public struct EnsembleTraining {
    public let base: RunConfig
    public let members: Int
    public let directory: String

    /// What `ensemble.json` holds.
    public struct Manifest: Codable, Equatable {
        /// The members' weights files, relative to the ensemble's directory.
        public var weights: [String]
        public var seeds: [UInt64]
    }

    public static let manifestFileName = "ensemble.json"

    public init(base: RunConfig, members: Int, directory: String) throws {
        guard members >= 2 else { throw ConfigError("an ensemble needs at least 2 members, got \(members)") }
        _ = try base.resolved()
        self.base = base
        self.members = members
        self.directory = directory
    }

    public func memberDirectory(_ i: Int) -> String { "\(directory)/member-\(i + 1)" }

    /// Member i's configuration: the base with seed + i.
    public func memberConfig(_ i: Int) -> RunConfig {
        var config = base
        config.seed = base.seed &+ UInt64(i)
        return config
    }

    public var manifest: Manifest {
        Manifest(weights: (0..<members).map { "member-\($0 + 1)/\(Run.weightsFileName)" },
                 seeds: (0..<members).map { memberConfig($0).seed })
    }

    /// Trains every member not yet finished; `run(i, run)` is told of each member
    /// before it trains (to print its summary), `finished(i, outcome)` after; members
    /// finished earlier are reported with a nil outcome.
    public func train(callbacks: [TrainingCallback] = [], starting: (Int, Run) -> Void = { _, _ in },
                      finished: (Int, RunOutcome?) -> Void = { _, _ in }) throws {
        try Directory.create(directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(manifest) + [10], to: "\(directory)/\(EnsembleTraining.manifestFileName)")
        for i in 0..<members {
            let dir = memberDirectory(i)
            if Run.isComplete(directory: dir) {
                finished(i, nil)
                continue
            }
            let started = Directory.fileExists("\(dir)/\(Run.configFileName)")
            let run = started ? try Run.resume(directory: dir, callbacks: callbacks)
                              : try Run(memberConfig(i), directory: dir, callbacks: callbacks)
            starting(i, run)
            finished(i, try run.fit())
        }
    }

    /// The members' weights files (absolute paths).
    public var weightsFiles: [String] { manifest.weights.map { "\(directory)/\($0)" } }
}

/// Each member's accuracy, their mean and the ensemble's, on the evaluation set of
/// the members' configuration (the test set, or their validation split).
public struct EnsembleReport {
    /// "test" or "validation".
    public let evaluationName: String
    public let memberAccuracies: [Double]
    public let ensembleAccuracy: Double
    public let combination: Ensemble.Combination

    public var meanMemberAccuracy: Double { memberAccuracies.reduce(0, +) / Double(memberAccuracies.count) }

    /// Evaluates the ensemble listed in `directory/ensemble.json`.
    public static func evaluate(directory: String, combination: Ensemble.Combination = .probabilities) throws -> EnsembleReport {
        let manifestPath = "\(directory)/\(EnsembleTraining.manifestFileName)"
        let manifest: EnsembleTraining.Manifest
        do { manifest = try JSONDecoder().decode(EnsembleTraining.Manifest.self, from: Data(try FileBytes.read(manifestPath))) } catch let error as AnnealIOError {
            throw error
        } catch {
            throw AnnealIOError(path: manifestPath, "not an ensemble manifest")
        }
        guard !manifest.weights.isEmpty else { throw AnnealIOError(path: manifestPath, "lists no members") }
        let paths = manifest.weights.map { "\(directory)/\($0)" }
        let runFile = URL(fileURLWithPath: paths[0]).deletingLastPathComponent().appendingPathComponent(Run.configFileName).path
        let config = try RunConfig.decode(Data(try FileBytes.read(runFile)), source: runFile).resolved()
        let loader = DataLoader(try config.loadData().evaluation, batchSize: 1000)
        let accuracies = try paths.map { path -> Double in
            let (model, _, preprocessing) = try WeightsFile.loadModel(path)
            return Evaluator(preprocessing: preprocessing, testTimeAugmentation: config.control.tta).evaluate(model, on: loader).accuracy
        }
        let ensemble = try Ensemble.load(paths, combination: combination)
        let accuracy = Evaluator(testTimeAugmentation: config.control.tta).evaluate(ensemble, on: loader).accuracy
        return EnsembleReport(evaluationName: config.data.usesValidation ? "validation" : "test", memberAccuracies: accuracies,
                              ensembleAccuracy: accuracy, combination: combination)
    }
}
