import Foundation

/// Runs jobs on at most `workers` threads at once, in the order given, and waits for
/// all of them. Each job handles its own errors (a failed trial is a result too).
public struct WorkerPool: Sendable {
    public let workers: Int

    public init(workers: Int) {
        precondition(workers >= 1, "WorkerPool: needs at least one worker, got \(workers)")
        self.workers = workers
    }

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

    public init() {}
    public func append(_ element: Element) { lock.withLock { elements.append(element) } }
    public var all: [Element] { lock.withLock { elements } }
}
