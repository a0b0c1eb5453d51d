import Foundation

/// Deliberate crashes for the kill-and-resume tests: with
/// `ANNEAL_KILL_AT=POINT:N` in the environment, the process sends itself SIGKILL
/// the N-th time it reaches POINT (checkpoint-write: after the old checkpoint was
/// set aside and before the new one is written; evaluation: at the first batch of
/// an evaluation). Without the variable every point is a no-op.
enum FaultInjection {
    enum Point: String { case checkpointWrite = "checkpoint-write", evaluation }

    private static let target: (Point, Int)? = {
        guard let spec = ProcessInfo.processInfo.environment["ANNEAL_KILL_AT"] else { return nil }
        let parts = spec.split(separator: ":")
        guard parts.count == 2, let point = Point(rawValue: String(parts[0])), let n = Int(parts[1]), n > 0 else { return nil }
        return (point, n)
    }()
    nonisolated(unsafe) private static var reached: [Point: Int] = [:]

    static func point(_ point: Point) {
        guard let (target, n) = target, target == point else { return }
        reached[point, default: 0] += 1
        if reached[point] == n { kill(getpid(), SIGKILL) }
    }
}
