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
        if stopSignals == "none" { return [] }
        return try stopSignals.split(separator: ",").map {
            guard let signal = Preemption.signal(named: String($0)) else { throw ValidationError("--stop-signals: unknown signal '\($0)'") }
            return signal
        }
    }

    /// Installs the handlers (first thing in a command, so a signal during start-up is held too).
    /// A child of another anneal (a rank, member or trial) also catches what its parent forwards.
    func install() throws {
        let forwarded = ProcessInfo.processInfo.environment[ChildProcess.environmentKey] == nil ? [] : [SIGTERM, SIGUSR1]
        Preemption.catchSignals(try signals() + forwarded)
    }
}

/// Runs `body`; a run or job stopped by a signal prints its line (when `prints`: rank 0) and exits with status 75.
func exitingWhenPreempted<T>(prints: Bool = true, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let stop as TrainingPreempted where prints {
        print(stop.description)
        throw ExitCode(Preemption.exitStatus)
    } catch let stop as JobPreempted where prints {
        print(stop.description)
        throw ExitCode(Preemption.exitStatus)
    } catch is TrainingPreempted, is JobPreempted {
        throw ExitCode(Preemption.exitStatus)
    }
}
