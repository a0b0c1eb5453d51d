import Anneal
import ArgumentParser
import Foundation

/// Reads a finished run's metrics.csv and says what its curves mean, with the remedy.
struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Diagnose a run from its train/validation curves (DIR/metrics.csv): verdict, remedy and a PNG of the curves.",
        discussion: """
        Verdicts: still improving → train longer; growing gap → overfitting → more regularization or early stopping; \
        no gap and low accuracy → underfitting → larger model or longer training; flat loss at the start → learning rate \
        too low or bad initialization; exploding loss → learning rate too high; plateau → decay the learning rate. \
        The evaluation columns are validation figures for runs trained with --val-split, else test figures.
        """)

    @Argument(help: "Run directory with metrics.csv (or the CSV file itself).") var path: String
    @Option(help: "PNG of the loss and accuracy curves (default: DIR/curves.png).") var png: String?
    @Option(help: "Training accuracy below which a run without a gap counts as underfitting.") var lowAccuracy = CurveDiagnosis.defaultLowAccuracy
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("no such run directory or file: \(path)")
        }
        let csv = isDirectory.boolValue ? "\(path)/metrics.csv" : path
        let directory = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let points: [CurvePoint]
        do { points = try CurveDiagnosis.readMetricsCSV(csv) } catch { throw ValidationError("\(error)") }
        let diagnosis = CurveDiagnosis.diagnose(points, lowAccuracy: lowAccuracy)
        let pngPath = png ?? "\(directory.isEmpty ? "." : directory)/curves.png"
        // The run's configuration says whether its evaluation columns are validation or test figures.
        let runFile = "\(directory.isEmpty ? "." : directory)/\(Run.configFileName)"
        let config = (try? Data(contentsOf: URL(fileURLWithPath: runFile))).flatMap { try? RunConfig.decode($0) }
        let evaluationName = config.map { $0.data.usesValidation ? "validation" : "test" } ?? "evaluation"
        try CurveDiagnosis.plot(points, to: pngPath, evaluationName: evaluationName)
        if json {
            let object: [String: Any] = [
                "epochs": points.count, "verdicts": diagnosis.verdicts.map(\.rawValue),
                "findings": diagnosis.findings.map { "\($0.verdict.rawValue): \($0.evidence) → \($0.remedy)" }, "png": pngPath,
                "evaluation": evaluationName,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for line in diagnosis.lines { print(line) }
            print("wrote \(pngPath) (loss above, accuracy below; blue train, orange \(evaluationName))")
        }
    }
}
