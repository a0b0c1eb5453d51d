import Anneal
import ArgumentParser
import Foundation

struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble", abstract: "Ensembles of independently trained models.",
        subcommands: [EnsembleTrainCommand.self, EnsembleReportCommand.self])
}

struct EnsembleTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train K members that differ in seed, then evaluate each and their ensemble.",
        discussion: """
        Members go to DIR/member-1 … DIR/member-K (each a complete run directory) and DIR/ensemble.json lists them. \
        Running the same command again after a kill skips finished members and resumes the unfinished one. \
        Evaluate the ensemble later with 'anneal evaluate --weights DIR/member-*/model.safetensors'.
        """)

    @OptionGroup var options: RunOptions
    @Option(help: "Members.") var members = 5
    @Option(help: combineHelp) var combine: Ensemble.Combination = .probabilities
    @Option(help: "Output directory.") var out = "runs/ensemble"

    func run() throws {
        options.data.applyThreads()
        let base = try options.makeConfig()
        let training = try reportingConfigErrors { try EnsembleTraining(base: base, members: members, directory: out) }
        try reportingConfigErrors {
            try training.train(callbacks: progressCallbacks(noProgress: options.noProgress), starting: { i, run in
                print("member \(i + 1)/\(members) (seed \(run.config.seed)): " + run.summary[0])
                fflush(nil)
            }, finished: { i, outcome in
                if outcome == nil { print("member \(i + 1)/\(members): finished earlier") }
            })
        }
        try reportEnsemble(directory: out, combine: combine)
    }
}

struct EnsembleReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Each member's accuracy, their mean, the ensemble's and the gain, for an ensemble directory (DIR/ensemble.json).")

    @Argument(help: "The ensemble's directory.") var directory: String
    @Option(help: combineHelp) var combine: Ensemble.Combination = .probabilities
    @Option(help: "Threads for kernels and oneDNN.") var threads: Int?

    func run() throws {
        if let threads { Threads.count = threads }
        try reportEnsemble(directory: directory, combine: combine)
    }
}

/// Prints each member's accuracy, their mean, the ensemble's and the gain.
func reportEnsemble(directory: String, combine: Ensemble.Combination) throws {
    let report = try reportingConfigErrors { try EnsembleReport.evaluate(directory: directory, combination: combine) }
    let name = report.evaluationName
    for (i, accuracy) in report.memberAccuracies.enumerated() { print(String(format: "member %d %@ accuracy: %.4f", i + 1, name, accuracy)) }
    print(String(format: "mean member %@ accuracy: %.4f", name, report.meanMemberAccuracy))
    print(String(format: "ensemble %@ accuracy: %.4f (%+.2f points over the mean member; %@)", name, report.ensembleAccuracy,
                 (report.ensembleAccuracy - report.meanMemberAccuracy) * 100, combine.rawValue))
}
