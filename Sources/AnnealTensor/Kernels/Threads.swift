import CDNNL
import Foundation

/// The one thread pool of Anneal: oneDNN's OpenMP pool. Anneal's own loops run on
/// it too (through libgomp's `GOMP_parallel`), because a second runtime (Dispatch,
/// pthreads) fights OpenMP's spinning workers for the same cores.
public enum Threads {
    // Written once at start-up or by `Threads.count = n` from the main thread.
    nonisolated(unsafe) private static var configured: Int = {
        let n = ProcessInfo.processInfo.environment["ANNEAL_NUM_THREADS"].flatMap(Int.init)
            ?? ProcessInfo.processInfo.activeProcessorCount
        let count = max(1, n)
        omp_set_num_threads(Int32(count))
        return count
    }()

    /// Threads used by kernels and oneDNN. Defaults to `ANNEAL_NUM_THREADS`, else all cores.
    public static var count: Int {
        get { configured }
        set {
            configured = max(1, newValue)
            omp_set_num_threads(Int32(configured))
        }
    }

    /// Runs `body` over `0..<n` split into contiguous chunks of at least `grain`
    /// items, one chunk per thread; small ranges stay on the calling thread.
    @inlinable
    public static func parallelFor(_ n: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let threads = min(count, n / max(grain, 1))
        if threads <= 1 {
            if n > 0 { body(0..<n) }
            return
        }
        runParallel(n, threads: threads, body)
    }

    @usableFromInline
    static func runParallel(_ n: Int, threads: Int, _ body: (Range<Int>) -> Void) {
        withoutActuallyEscaping(body) { body in
            var job = ParallelJob(body: body, n: n, chunks: threads)
            withUnsafeMutablePointer(to: &job) { pointer in
                GOMP_parallel({ raw in
                    let job = raw!.assumingMemoryBound(to: ParallelJob.self)
                    let thread = Int(omp_get_thread_num())
                    let team = Int(omp_get_num_threads())
                    var chunk = thread
                    while chunk < job.pointee.chunks {
                        let lo = chunk * job.pointee.n / job.pointee.chunks
                        let hi = (chunk + 1) * job.pointee.n / job.pointee.chunks
                        if lo < hi { job.pointee.body(lo..<hi) }
                        chunk += team
                    }
                }, pointer, UInt32(threads), 0)
            }
        }
    }
}

@usableFromInline
struct ParallelJob {
    let body: (Range<Int>) -> Void
    let n: Int
    let chunks: Int
}
