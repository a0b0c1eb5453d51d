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
        let result: RunDiagnosis
        do { result = try RunDiagnosis(path, png: png, lowAccuracy: lowAccuracy) } catch { throw ValidationError("\(error)") }
        if json {
            print(String(decoding: try result.json(), as: UTF8.self))
        } else {
            for line in result.lines { print(line) }
        }
    }
}
