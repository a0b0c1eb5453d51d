import AnnealIO
import AnnealReports
import Foundation

/// A finished (or running) run's curves read the way the notes read them: verdicts
/// and remedies from its metrics.csv, and the curves drawn as a PNG.
public struct RunDiagnosis {
    public let points: [CurvePoint]
    public let diagnosis: CurveDiagnosis
    /// "validation" or "test" (from the run's run.json), "evaluation" when it does not say.
    public let evaluationName: String
    public let plot: String

    /// Diagnoses the run in `path` (a run directory, or its metrics.csv itself) and
    /// draws its curves into `png` (default: DIR/curves.png).
    public init(_ path: String, png: String? = nil, lowAccuracy: Double = CurveDiagnosis.defaultLowAccuracy) throws {
        guard Directory.fileExists(path) || Directory.isDirectory(path) else { throw CurveFileError("no such run directory or file: \(path)") }
        let isDirectory = Directory.isDirectory(path)
        let csv = isDirectory ? "\(path)/metrics.csv" : path
        let parent = (path as NSString).deletingLastPathComponent
        let directory = isDirectory ? path : (parent.isEmpty ? "." : parent)
        points = try CurveDiagnosis.readMetricsCSV(csv)
        diagnosis = CurveDiagnosis.diagnose(points, lowAccuracy: lowAccuracy)
        // The run's configuration says whether its evaluation columns are validation or test figures.
        let config = (try? Data(FileBytes.read("\(directory)/\(Run.configFileName)"))).flatMap { try? RunConfig.decode($0) }
        evaluationName = config?.data.evaluationName ?? "evaluation"
        plot = png ?? "\(directory)/\(Run.curvesFileName)"
        try CurveDiagnosis.plot(points, to: plot, evaluationName: evaluationName)
    }

    /// One JSON object: epochs, verdicts, findings, the plot's path and the evaluation's name.
    public func json() throws -> Data {
        let object: [String: Any] = [
            "epochs": points.count, "verdicts": diagnosis.verdicts.map(\.rawValue),
            "findings": diagnosis.findings.map { "\($0.verdict.rawValue): \($0.evidence) → \($0.remedy)" }, "png": plot,
            "evaluation": evaluationName,
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}
