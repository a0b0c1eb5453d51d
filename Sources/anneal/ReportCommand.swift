import Anneal
import ArgumentParser
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write DIR/report.html: one self-contained page about a run or a search.",
        discussion: """
            For a run directory: the curves (loss, accuracy, learning rate), the curve diagnosis, per-class accuracy, the \
            confusion matrix, the most confidently wrong evaluation images and the configuration. For a search directory: \
            the trials as a table and a scatter of validation accuracy against each hyperparameter. No scripts, no network: \
            it opens anywhere and can be sent as it is.
            """)

    @Argument(help: "A run directory (with metrics.csv) or a search directory (with trials.jsonl).") var directory: String
    @Option(help: "Wrong images shown, most confident first.") var mistakes = 32
    @Option(help: "Threads for kernels and oneDNN.") var threads: Int?

    func run() throws {
        if let threads { Threads.count = threads }
        let path = try reportingConfigErrors { try HTMLReport.write(directory: directory, mistakes: max(0, mistakes)) }
        print("wrote \(path)")
    }
}
