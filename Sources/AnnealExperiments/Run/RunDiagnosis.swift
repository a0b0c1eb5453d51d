import AnnealIO
import AnnealReports
import AnnealTraining
import Foundation

/// A finished (or running) run's curves read the way the notes read them: verdicts
/// and remedies from its metrics.csv, and the curves drawn as a PNG.
public struct RunDiagnosis {
    /// One point per epoch of metrics.csv (empty when the run has none yet).
    public let points: [CurvePoint]
    /// The verdicts on the curves, with the layer-watch and class-balance findings added.
    public let diagnosis: CurveDiagnosis
    /// "validation" or "test" (from the run's run.json), "evaluation" when it does not say.
    public let evaluationName: String
    /// The PNG the curves were drawn into (not written when there are no points).
    public let plot: String
    /// Training images per class and the saved weights' per-class accuracy (nil where the
    /// run's data or weights cannot be read).
    public let classBalance: ClassBalance?

    /// Diagnoses the run in `path` (a run directory, or its metrics.csv itself) and
    /// draws its curves into `png` (default: DIR/curves.png).
    public init(_ path: String, png: String? = nil, lowAccuracy: Double = CurveDiagnosis.defaultLowAccuracy) throws {
        guard Directory.fileExists(path) || Directory.isDirectory(path) else { throw CurveFileError("no such run directory or file: \(path)") }
        let isDirectory = Directory.isDirectory(path)
        let csv = isDirectory ? "\(path)/metrics.csv" : path
        let parent = (path as NSString).deletingLastPathComponent
        let directory = isDirectory ? path : (parent.isEmpty ? "." : parent)
        // A run stopped in its first epoch (the NaN guard) has no metrics.csv, but may have layers.csv.
        let watchPath = "\(directory)/\(LayerWatch.fileName)"
        let watched = Directory.fileExists(watchPath) ? try LayerWatch.read(watchPath) : []
        points = watched.isEmpty || Directory.fileExists(csv) ? try CurveDiagnosis.readMetricsCSV(csv) : []
        // The run's configuration says whether its evaluation columns are validation or test figures.
        let config = (try? Data(FileBytes.read("\(directory)/\(Run.configFileName)"))).flatMap { try? RunConfig.decode($0).resolved() }
        classBalance = config.flatMap { try? Self.classBalance(config: $0, weights: "\(directory)/\(Run.weightsFileName)") }
        diagnosis = CurveDiagnosis.diagnose(points, lowAccuracy: lowAccuracy).adding(Self.layerFindings(watched) + (classBalance?.findings ?? []))
        evaluationName = config?.data.evaluationName ?? "evaluation"
        plot = png ?? "\(directory)/\(Run.curvesFileName)"
        if !points.isEmpty { try CurveDiagnosis.plot(points, to: plot, evaluationName: evaluationName) }
    }

    /// What `anneal diagnose` prints: the classes' table, the findings, the plot.
    public var lines: [String] {
        (classBalance?.lines ?? []) + diagnosis.lines
            + (points.isEmpty ? [] : ["wrote \(plot) (loss above, accuracy below; blue train, orange \(evaluationName))"])
    }

    /// The run's training images per class and, where its weights are written, their accuracy per class.
    static func classBalance(config: RunConfig, weights: String) throws -> ClassBalance {
        let (train, evaluation, _) = try config.loadData()
        guard Directory.fileExists(weights) else { return ClassBalance(train) }
        let (dataset, scores) = try HTMLReport.score(config: config, weights: weights, evaluation: evaluation)
        let matrix = ConfusionMatrix(scores: scores, labels: (0..<dataset.count).map(dataset.label(at:)))
        return ClassBalance(train, accuracies: matrix.perClassAccuracy)
    }

    /// What a `LayerWatch` saw: the learning rate judged by the update/weight ratios,
    /// and the units' health at the last watched step.
    public static func layerFindings(_ records: [LayerWatch.Record]) -> [CurveDiagnosis.Finding] {
        let last = records.last.map { final in records.filter { $0.step == final.step } } ?? []
        return UpdateRatioDiagnosis.findings(records)
            + UnitHealth.issues(last.compactMap(\.activation)).map {
                .init(verdict: .unhealthyUnits, evidence: "at step \(last[0].step): \($0.evidence)", remedy: $0.remedy)
            }
    }

    /// One JSON object: epochs, verdicts, findings, the plot's path and the evaluation's name.
    public func json() throws -> Data {
        let object: [String: Any] = [
            "epochs": points.count, "verdicts": diagnosis.verdicts.map(\.rawValue),
            "findings": diagnosis.findings.map { "\($0.verdict.rawValue): \($0.evidence) → \($0.remedy)" }, "png": plot,
            "evaluation": evaluationName,
            "classes": (classBalance?.rows ?? []).map { ["name": $0.name, "training_images": $0.trainingImages, "accuracy": $0.accuracy ?? NSNull()] as [String: Any] },
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}
