import Anneal
import AnnealMPI
import ArgumentParser
import Foundation

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on Fashion-MNIST, evaluating on the test set after each epoch.",
        discussion: """
        Writes DIR/run.json (every setting used; replay it with --config), DIR/checkpoint.safetensors at every epoch end \
        (continue a killed run with 'anneal resume DIR'), DIR/metrics.csv and DIR/model.safetensors, and ends with \
        'test accuracy: 0.XXXX'.
        """)

    @OptionGroup var options: RunOptions
    @Option(help: "Output directory (one that holds an unfinished run of the same configuration: that run goes on).") var out = "runs/latest"
    @Flag(help: "Start over in an output directory that holds an unfinished run (its checkpoint is discarded).") var overwrite = false
    @Option(help: ArgumentHelp("Data parallelism on this machine: run N ranks under mpirun, each with the threads divided among them (--batch-size is per rank).",
                               discussion: "On a cluster, start the command with mpirun or srun instead (see the README)."))
    var ranks: Int?
    @OptionGroup var preemption: PreemptionOptions

    func validate() throws { if let ranks, !(1...256).contains(ranks) { throw ValidationError("--ranks must be in 1...256, got \(ranks)") } }

    func run() throws {
        try preemption.install()
        let group = try processGroup()
        let config = try reportingConfigErrors { try options.makeConfig().resolved() }
        // The same command again continues its unfinished run, on the checkpoint's ranks and threads.
        let (ranks, threads) = overwrite || group.isDistributed ? (self.ranks, options.data.threads) : try reportingConfigErrors {
            try Run.processCounts(continuing: out, config: config, ranks: self.ranks, threads: options.data.threads)
        }
        if let ranks, ranks > 1, !group.isDistributed { return try runUnderMPI(ranks: ranks, threadsPerRank: threads) }
        if let threads { Threads.count = threads }
        if let field = config.testSetSelection, group.isWriter {
            let watcher = field == "schedule.name" ? "--schedule plateau" : optionForField[field] ?? field
            printToStandardError(["warning: \(watcher) watches the test set's \(config.schedule.monitor.rawValue); "
                                  + "the final test accuracy is then optimistic. Pass --val-split 0.1 to decide on held-out training images."])
        }
        let callbacks = group.isWriter ? progressCallbacks(noProgress: options.noProgress) : []
        let run = try reportingConfigErrors { try Run.startOrResume(config, directory: out, callbacks: callbacks, overwrite: overwrite, group: group) }
        try train(run)
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a training run that was interrupted, from its newest intact checkpoint.",
        discussion: """
        Rebuilds the run from DIR/run.json and restores DIR/checkpoint.safetensors (or, if that one is damaged, the \
        previous one). With the same thread count, the final weights are bit-identical to an uninterrupted run's.
        """)

    @Argument(help: "The run's output directory.") var directory: String
    @Option(help: "Threads for kernels and oneDNN (default: the checkpoint's, for identical results).") var threads: Int?
    @Flag(help: "Plain per-epoch lines even on a terminal.") var noProgress = false
    @Option(help: "Ranks under mpirun (default: as many as the checkpoint was written by, which identical results need).") var ranks: Int?
    @OptionGroup var preemption: PreemptionOptions

    func run() throws {
        try preemption.install()
        let group = try processGroup()
        let (ranks, threads) = group.isDistributed ? (nil, self.threads)
            : try reportingConfigErrors { try Run.processCounts(continuing: directory, config: nil, ranks: self.ranks, threads: self.threads) }
        if let ranks, ranks > 1, !group.isDistributed { return try runUnderMPI(ranks: ranks, threadsPerRank: threads) }
        if let threads { Threads.count = threads }
        // Resuming is idempotent: a job script may always call it.
        guard !Run.isComplete(directory: directory) else {
            return group.isWriter ? print("\(directory): the run is already complete; its weights are \(directory)/\(Run.weightsFileName)") : ()
        }
        let run = try reportingConfigErrors {
            try Run.resume(directory: directory, callbacks: group.isWriter ? progressCallbacks(noProgress: noProgress) : [], group: group)
        }
        try train(run)
    }
}

func progressCallbacks(noProgress: Bool) -> [TrainingCallback] {
    [ProgressReporter(interactive: !noProgress && isatty(STDOUT_FILENO) != 0)]
}

/// Prints what the run will do, trains it, and prints what it wrote, the curve diagnosis and the final accuracy.
func train(_ run: Run) throws {
    let writer = run.group.isWriter   // ranks other than 0 (data parallelism) compute and say nothing
    if writer { printToStandardError(run.warnings); run.summary.forEach { print($0) }; fflush(nil) }
    let outcome = try exitingWhenPreempted(prints: writer) { try reportingConfigErrors { try run.fit() } }
    if writer { run.closingLines(outcome).forEach { print($0) }; printToStandardError(outcome.warnings) }
}
