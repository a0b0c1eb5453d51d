import Anneal
import ArgumentParser
import Foundation

/// `--stop-signals`: the signals on which a training command checkpoints and exits
/// with status 75 (`Preemption`), for train, resume, ensemble train and search.
struct PreemptionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Signals that stop training with a checkpoint at the current step and exit status 75: comma-separated names, or none.",
                               discussion: "A second signal while the checkpoint is written waits for it. Resume with 'anneal resume DIR' or the same command."))
    var stopSignals = "TERM,INT,USR1"

    func validate() throws { _ = try signals() }
    func signals() throws -> [Int32] {
        do { return try Preemption.signals(parsing: stopSignals) } catch { throw ValidationError("--stop-signals: \(error)") }
    }

    /// Installs the handlers, first thing in a command (a signal during start-up is held too).
    func install() throws { Preemption.catchSignals(try signals() + ChildProcess.forwardedStopSignals) }
}

/// Runs `body`; a run or job stopped by a signal prints its line (when `prints`: rank 0) and exits with status 75.
func exitingWhenPreempted<T>(prints: Bool = true, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let stop as any PreemptionStop {
        if prints { print((isatty(STDOUT_FILENO) != 0 ? "\r\u{1B}[K" : "") + stop.description) }   // over a progress bar
        throw ExitCode(Preemption.exitStatus)
    }
}
