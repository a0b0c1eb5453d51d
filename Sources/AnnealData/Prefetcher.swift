import Foundation

/// Background threads that build an epoch's batches ahead of the consumer.
///
/// Workers claim batch positions in order, build them (`Batches[i]`, a pure
/// function of the position) and park them until the consumer takes them; at
/// most `loader.prefetch` batches wait beyond the one being consumed. Because a
/// batch does not depend on which thread built it, results are identical for any
/// worker count. Foundation threads, not the OpenMP team: workers only run plain
/// Swift loops, never oneDNN or `Threads.parallelFor`.
///
/// Dropping the last iterator (end of epoch, or an early `break`) cancels the
/// workers; each finishes at most the batch it is building.
public final class Prefetcher: Sendable {
    private let queue: PrefetchQueue

    init(_ batches: DataLoader.Batches, from start: Int = 0) {
        queue = PrefetchQueue(batches, from: start)
        for worker in 0..<batches.loader.workers {
            let queue = self.queue
            let thread = Thread { queue.work() }
            thread.name = "anneal-loader-\(worker)"
            thread.start()
        }
    }

    deinit { queue.cancel() }

    /// Batch `position`, waiting for a worker if it is not ready yet. Positions
    /// must be taken in increasing order.
    func take(_ position: Int) -> Batch { queue.take(position) }
}

/// The state the workers and the consumer share, guarded by one condition lock.
private final class PrefetchQueue: @unchecked Sendable {
    // @unchecked: every mutable field is read and written under `condition`.
    private let condition = NSCondition()
    private let batches: DataLoader.Batches
    private let depth: Int
    private var ready: [Int: Batch] = [:]
    private var nextClaim = 0
    private var wanted = 0
    private var cancelled = false

    init(_ batches: DataLoader.Batches, from start: Int) {
        self.batches = batches
        depth = batches.loader.prefetch
        nextClaim = start
        wanted = start
    }

    func work() {
        while true {
            condition.lock()
            while !cancelled && nextClaim < batches.endIndex && nextClaim > wanted + depth { condition.wait() }
            guard !cancelled && nextClaim < batches.endIndex else {
                condition.unlock()
                return
            }
            let position = nextClaim
            nextClaim += 1
            condition.unlock()

            let batch = batches[position]

            condition.lock()
            if !cancelled { ready[position] = batch }
            condition.broadcast()
            condition.unlock()
        }
    }

    func take(_ position: Int) -> Batch {
        condition.lock()
        defer { condition.unlock() }
        wanted = position
        condition.broadcast()   // the window moved: idle workers may claim more
        while ready[position] == nil { condition.wait() }
        wanted = position + 1
        condition.broadcast()
        return ready.removeValue(forKey: position)!
    }

    func cancel() {
        condition.lock()
        cancelled = true
        ready.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
