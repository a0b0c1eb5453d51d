import AnnealTraining
import CProcess
import Foundation

/// A program run as a child of this process that never outlives it: killed with
/// SIGKILL when this process dies, however it dies (SIGKILL included).
///
/// Linux's parent-death signal (`PR_SET_PDEATHSIG`) does this, but it fires when the
/// *thread* that started the child exits, it must be set in the child, and
/// Foundation's `Process` cannot run code there. So every child is started from one
/// thread that lives as long as the process, through util-linux's `setpriv
/// --pdeathsig KILL`, which sets the signal and then executes the program.
/// Grandchildren started by a child (ranks under `mpirun`) ask for the same signal
/// themselves: `adoptParentDeathSignal()`, when `environmentKey` is set.
public enum ChildProcess {
    /// Set in the environment of every child; its value is the parent's process id.
    public static let environmentKey = "ANNEAL_PARENT_PID"
    static let setpriv = "/usr/bin/setpriv"

    /// Runs `executable` with `arguments` to its end and returns its exit status
    /// (128 + N when signal N ended it, as a shell reports it).
    /// `environment` is added to this process's; output goes to `log` (appended to a
    /// fresh file) or, when nil, to this process's standard output and error.
    /// `watch` is called every half second while it runs, and once after: returning
    /// false stops it (SIGTERM). Once this process is asked to stop (`Preemption`),
    /// the child is sent `stopSignal` (nil: nothing), so that it checkpoints too.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], log: String? = nil,
                           stopSignal: Int32? = SIGTERM, watch: () -> Bool = { true }) throws -> Int32 {
        let process = Process()
        let guarded = FileManager.default.isExecutableFile(atPath: setpriv)
        process.executableURL = URL(fileURLWithPath: guarded ? setpriv : executable)
        process.arguments = guarded ? ["--pdeathsig", "KILL", "--", executable] + arguments : arguments
        process.environment = ProcessInfo.processInfo.environment
            .merging(environment) { _, new in new }
            .merging([environmentKey: String(getpid())]) { _, new in new }
        var handle: FileHandle?
        if let log {
            guard FileManager.default.createFile(atPath: log, contents: nil), let opened = FileHandle(forWritingAtPath: log) else {
                throw ChildProcessError("\(log): cannot write the child's log")
            }
            handle = opened
            process.standardOutput = opened
            process.standardError = opened
        }
        defer { try? handle?.close() }
        try Spawner.shared.start(process, executable: executable)
        var stopped = false, forwarded = false
        while process.isRunning {
            Thread.sleep(forTimeInterval: 0.5)
            if !stopped && !watch() {
                stopped = true
                process.terminate()
            }
            if !forwarded, let stopSignal, Preemption.isRequested {
                forwarded = true
                kill(process.processIdentifier, stopSignal)
            }
        }
        process.waitUntilExit()
        _ = watch()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// In a process started by `run` (or by a program `run` started, such as
    /// `mpirun`): die with SIGKILL when the parent dies, and at once if it already
    /// has. Call it first thing in `main`; does nothing in a process not started so.
    public static func adoptParentDeathSignal() {
        guard let value = ProcessInfo.processInfo.environment[environmentKey], let ancestor = Int32(value) else { return }
        _ = anneal_kill_me_with_parent()
        // The parent may have died before prctl: then this process was handed to init (or a subreaper).
        if getppid() == 1 || kill(ancestor, 0) != 0 && errno == ESRCH { exit(137) }
    }

    /// The signals a child catches besides its own stop signals: those `run` forwards
    /// (SIGTERM, and SIGUSR1 through mpirun) when a stop is asked of the parent.
    public static var forwardedStopSignals: [Int32] {
        ProcessInfo.processInfo.environment[environmentKey] == nil ? [] : [SIGTERM, SIGUSR1]
    }

    /// This program's own executable (to run parts of a job in child processes).
    public static var ownExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// A child that could not be started: one line naming the program.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// What went wrong, in one line.
    public let description: String
    /// An error that says `description`.
    public init(_ description: String) { self.description = description }
}

/// The one long-lived thread every child is started from (see `ChildProcess`).
private final class Spawner: @unchecked Sendable {
    static let shared = Spawner()

    private let condition = NSCondition()
    private var requests: [() -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "anneal.spawner"
        thread.start()
    }

    private func serve() -> Never {
        // A child inherits the signal mask of the thread that starts it: none blocked,
        // not the stop signals that `Preemption` blocks in computing threads (mpirun
        // must see the SIGUSR1 it forwards). This thread computes nothing, so a signal may land here.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        while true {
            condition.lock()
            while requests.isEmpty { condition.wait() }
            let request = requests.removeFirst()
            condition.unlock()
            request()
        }
    }

    /// Starts `process` on this thread and waits until it has started (or failed to).
    func start(_ process: Process, executable: String) throws {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: Error?
        condition.lock()
        requests.append {
            do { try process.run() } catch { failure = error }
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        if let failure { throw ChildProcessError("cannot start \(executable): \(failure.localizedDescription)") }
    }
}
