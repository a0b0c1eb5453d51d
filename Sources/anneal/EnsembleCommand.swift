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
        Running the same command again after a kill skips finished members and resumes the unfinished ones. \
        --vary gives members different hyperparameters as well (member i takes the (i mod n)-th of n values). \
        With --parallel P, P members train at once in child processes that share the threads (logs in DIR/member-i/train.log). \
        Evaluate the ensemble later with 'anneal evaluate --weights DIR/member-*/model.safetensors'.
        """)

    @OptionGroup var options: RunOptions
    @Option(help: "Members.") var members = 5
    @Option(help: ArgumentHelp("A hyperparameter that differs between members: FIELD=V1|V2|… (repeatable; FIELD as in --space, e.g. lr=0.03|0.05|0.08).",
                               valueName: "field=values"))
    var vary: [String] = []
    @Option(help: "Members trained at once, in child processes with the threads split between them.") var parallel = 1
    @Option(help: combineHelp) var combine: Ensemble.Combination = .probabilities
    @Option(help: "Output directory.") var out = "runs/ensemble"
    @OptionGroup var preemption: PreemptionOptions

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1, got \(parallel)") }
    }

    func run() throws {
        try preemption.install()
        options.data.applyThreads()
        let base = try options.makeConfig()
        let training = try reportingConfigErrors {
            do {
                return try EnsembleTraining(base: base, members: members, directory: out, variations: vary.map(EnsembleTraining.Variation.init(parsing:)))
            } catch let error as ConfigError where error.field == nil {
                throw CommandError("--vary: \(error.message)")
            }
        }
        try exitingWhenPreempted { try reportingConfigErrors {
            guard parallel == 1 else { return try trainInChildProcesses(training) }
            try training.train(callbacks: progressCallbacks(noProgress: options.noProgress), starting: { i, run in
                print("\(training.memberDescription(i)): " + run.summary[0])
                fflush(nil)
            }, finished: { i, outcome in
                if outcome == nil { print("member \(i + 1)/\(members): finished earlier") }
            })
        } }
        try reportEnsemble(directory: out, combine: combine)
    }

    /// `parallel` members at a time in child processes, the threads split between them.
    func trainInChildProcesses(_ training: EnsembleTraining) throws {
        let threads = max(1, Threads.count / parallel), members = self.members, descriptions = (0..<members).map(training.memberDescription)
        try training.trainInChildProcesses(parallel: parallel, threads: threads, planned: { pending in
            print("training \(pending) members, \(self.parallel) at a time on \(threads) thread\(threads == 1 ? "" : "s") each")
            fflush(nil)
        }) { i, outcome in
            if let line = outcome.line(member: i, of: members, description: descriptions[i]) { print(line); fflush(nil) }
        }
    }
}

struct EnsembleReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Each member's accuracy, their mean, the ensemble's and the gain, for an ensemble directory (DIR/ensemble.json).",
        discussion: "Members still training are left out and named, so the report can be read while the last members train.")

    @Argument(help: "The ensemble's directory.") var directory: String
    @Option(help: combineHelp) var combine: Ensemble.Combination = .probabilities
    @Option(help: "Threads for kernels and oneDNN.") var threads: Int?

    func run() throws {
        if let threads { Threads.count = threads }
        try reportEnsemble(directory: directory, combine: combine)
    }
}

/// Prints each finished member's accuracy, their mean, the ensemble's and the gain.
func reportEnsemble(directory: String, combine: Ensemble.Combination) throws {
    for line in try reportingConfigErrors({ try EnsembleReport.evaluate(directory: directory, combination: combine) }).lines { print(line) }
}
