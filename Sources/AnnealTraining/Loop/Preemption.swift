import Foundation
import Synchronization

/// Stopping a run early without losing work: a cluster that preempts a job (Slurm,
/// Kubernetes) or a person at the terminal sends a signal; once `catchSignals` has
/// been called, that signal only raises a flag, the run finishes the step under way,
/// writes a complete checkpoint and throws `TrainingPreempted` (`Run` does this at
/// its next step boundary; under data parallelism every rank agrees on the step).
///
/// Signals that arrive while the checkpoint is written only raise the flag again,
/// so the write is never cut short. A program may also ask for a stop itself with
/// `request()`.
public enum Preemption {
    /// SIGTERM (Slurm's preemption and time limit, Kubernetes, `kill`), SIGINT
    /// (Ctrl-C) and SIGUSR1 (what `sbatch --signal=USR1@90` sends ahead of the end).
    public static let defaultSignals: [Int32] = [SIGTERM, SIGINT, SIGUSR1]

    /// The exit status of a command that stopped on a signal with its work saved:
    /// `EX_TEMPFAIL` of sysexits.h ("try again later"), distinct from success (0),
    /// failure (1) and death by a signal (128 + N).
    public static let exitStatus: Int32 = 75

    /// The signal that asked for the stop (-1 for `request()`), 0 while none has.
    private static let received = Atomic<Int32>(0)
    private static let catching = Mutex<Set<Int32>>([])

    /// From now on each of `signals` asks for a stop instead of ending the process.
    /// Call it before any training starts: the signals are blocked in the calling
    /// thread and so in every thread it starts later (oneDNN's OpenMP team, loaders),
    /// and one listener thread takes them with `sigwait`. No computing thread is ever
    /// interrupted: oneDNN 2.6's generated GEMM kernels point the stack pointer into a
    /// heap buffer while they run, and a signal frame pushed there corrupts the heap
    /// (uxlfoundation/oneDNN#4845, fixed in 3.11; here about 1 stop in 10 crashed).
    /// A handler that only stores the signal's number stays installed, with
    /// `SA_RESTART`, for threads that existed before the call.
    public static func catchSignals(_ signals: [Int32] = defaultSignals) {
        _ = received.load(ordering: .relaxed)   // initialized before any handler can touch it
        let new = catching.withLock { caught in
            defer { caught.formUnion(signals) }
            return Set(signals).subtracting(caught)
        }
        guard !new.isEmpty else { return }
        for signal in new {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in Preemption.record(number) }
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
        var set = sigset_t()
        sigemptyset(&set)
        for signal in new { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        let listener = Thread {
            var waited = blocked, number: Int32 = 0
            while true { if sigwait(&waited, &number) == 0 { Preemption.record(number) } }
        }
        listener.name = "anneal.signals"
        listener.start()
    }

    /// What a caught signal does, in the listener or a handler: store its number
    /// (async-signal-safe: one atomic compare-and-swap).
    private static func record(_ number: Int32) {
        _ = received.compareExchange(expected: 0, desired: number, ordering: .relaxed)
    }

    /// The signals `catchSignals` turned into stop requests.
    public static var caughtSignals: Set<Int32> { catching.withLock { $0 } }

    /// Asks the run to stop at its next step boundary, as a caught signal does.
    public static func request() {
        _ = received.compareExchange(expected: 0, desired: -1, ordering: .relaxed)
    }

    /// Whether a stop was asked for.
    public static var isRequested: Bool { received.load(ordering: .relaxed) != 0 }

    /// The signal that asked for the stop (nil: none, or `request()`).
    public static var requestingSignal: Int32? {
        let value = received.load(ordering: .relaxed)
        return value > 0 ? value : nil
    }

    /// Forgets a request (a program that goes on to other work after a stop).
    public static func clear() { received.store(0, ordering: .relaxed) }

    /// A signal's name without the SIG prefix ("TERM"), or its number.
    public static func name(of signal: Int32) -> String {
        signalNames.first { $0.value == signal }?.key ?? String(signal)
    }

    /// Parses a comma-separated list of signals ("TERM,USR1"), or "none" for no signal.
    public static func signals(parsing text: String) throws -> [Int32] {
        if text == "none" { return [] }
        return try text.split(separator: ",").map {
            guard let number = signal(named: String($0)) else { throw ConfigError("unknown signal '\($0)'; names: \(signalNames.keys.sorted().joined(separator: ", ")), or none") }
            return number
        }
    }

    /// Parses "TERM", "SIGTERM", "term" or a number.
    public static func signal(named text: String) -> Int32? {
        let upper = text.uppercased()
        let bare = upper.hasPrefix("SIG") ? String(upper.dropFirst(3)) : upper
        if let number = Int32(bare), (1...64).contains(number) { return number }
        return signalNames[bare]
    }

    private static let signalNames: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "USR1": SIGUSR1, "USR2": SIGUSR2, "TERM": SIGTERM,
        "ALRM": SIGALRM, "XCPU": SIGXCPU,
    ]
}

/// A run that stopped because a stop was asked for (`Preemption`), after writing a
/// checkpoint at the step it stopped: `anneal resume DIR` (or `Run.resume`) goes on
/// from exactly there.
public struct TrainingPreempted: PreemptionStop {
    /// The epoch it stopped in (0-based) and the optimizer steps done in it.
    public let epoch: Int
    /// Optimizer steps done in `epoch` when it stopped.
    public let stepsDone: Int
    /// The run's directory (where the checkpoint is).
    public let directory: String
    /// The signal that asked for the stop (nil: `Preemption.request()`, or another rank's signal).
    public let signal: Int32?

    /// A stop in `epoch` (0-based) after `stepsDone` optimizer steps of it.
    public init(epoch: Int, stepsDone: Int, directory: String, signal: Int32?) {
        self.epoch = epoch
        self.stepsDone = stepsDone
        self.directory = directory
        self.signal = signal
    }

    /// "preempted by SIGTERM at epoch E step S; checkpoint written; resume with: anneal resume DIR" (epoch 1-based).
    public var description: String {
        "preempted\(signal.map { " by SIG" + Preemption.name(of: $0) } ?? "") at epoch \(epoch + 1) step \(stepsDone); "
            + "checkpoint written; resume with: anneal resume \(directory)"
    }
}

/// A job of several runs (ensemble members, search trials in child processes) that
/// stopped on a signal, its unfinished runs checkpointed: run it again to go on.
public struct JobPreempted: PreemptionStop {
    /// The line to print: what stopped and how to go on.
    public let description: String
    /// A stop described by `description`.
    public init(_ description: String) { self.description = description }
}

/// What a stop on a signal throws: `TrainingPreempted` for one run, `JobPreempted`
/// for a job of several; its description is the line to print.
public protocol PreemptionStop: Error, CustomStringConvertible {}
