import Foundation

/// Runs jobs on at most `workers` threads at once, in the order given, and waits for
/// all of them. Each job handles its own errors (a failed trial is a result too).
public struct WorkerPool: Sendable {
    /// The most jobs that run at once (at least 1).
    public let workers: Int

    /// A pool that runs at most `workers` jobs at once; traps unless `workers` ≥ 1.
    public init(workers: Int) {
        precondition(workers >= 1, "WorkerPool: needs at least one worker, got \(workers)")
        self.workers = workers
    }

    /// Calls `body` on every job, starting them in order on at most `workers` concurrent
    /// threads, and returns when all have finished.
    public func run<Job: Sendable>(_ jobs: [Job], _ body: @escaping @Sendable (Job) -> Void) {
        let queue = DispatchQueue(label: "anneal.workers", attributes: .concurrent)
        let slots = DispatchSemaphore(value: workers), group = DispatchGroup()
        for job in jobs {
            slots.wait()
            group.enter()
            queue.async {
                defer { slots.signal(); group.leave() }
                body(job)
            }
        }
        group.wait()
    }
}

/// Values collected from several workers under a lock.
public final class LockedList<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []

    /// An empty list.
    public init() {}
    /// Adds `element` at the end; safe to call from any thread.
    public func append(_ element: Element) { lock.withLock { elements.append(element) } }
    /// A copy of the elements so far, in the order they were appended.
    public var all: [Element] { lock.withLock { elements } }
}
