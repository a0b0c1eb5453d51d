import Foundation

/// Deliberate faults for the kill-and-resume and preemption tests: with
/// `ANNEAL_KILL_AT=POINT:N[:SIGNAL]` in the environment, the process sends itself
/// SIGNAL (default KILL; TERM, USR1, … by name) the N-th time it reaches POINT
/// (checkpoint-write: after the old checkpoint was set aside and before the new one
/// is written; evaluation: at the first batch of an evaluation), and notes on
/// standard error when it sent a signal it may survive. Without the variable every
/// point is a no-op.
enum FaultInjection {
    enum Point: String { case checkpointWrite = "checkpoint-write", evaluation }

    private static let target: (point: Point, count: Int, signal: Int32)? = {
        guard let spec = ProcessInfo.processInfo.environment["ANNEAL_KILL_AT"] else { return nil }
        let parts = spec.split(separator: ":").map(String.init)
        guard (2...3).contains(parts.count), let point = Point(rawValue: parts[0]), let n = Int(parts[1]), n > 0,
              let signal = parts.count == 3 ? Preemption.signal(named: parts[2]) : SIGKILL else { return nil }
        return (point, n, signal)
    }()
    nonisolated(unsafe) private static var reached: [Point: Int] = [:]

    static func point(_ point: Point) {
        guard let target, target.point == point else { return }
        reached[point, default: 0] += 1
        guard reached[point] == target.count else { return }
        if target.signal != SIGKILL {
            FileHandle.standardError.write(Data(String(format: "fault injection: SIG%@ at %@ %d, %.3f\n", Preemption.name(of: target.signal),
                                                      point.rawValue, target.count, Date().timeIntervalSince1970).utf8))
        }
        kill(getpid(), target.signal)
    }
}
