import AnnealDistributed
import AnnealTraining
import CMPI
import Foundation
import Synchronization

/// The ranks of an `mpirun` (or Slurm `srun`) job as a `ProcessGroup`, over
/// OpenMPI's `MPI_COMM_WORLD`.
///
/// MPI is initialized with full thread support, but only the training thread calls
/// it (never oneDNN's OpenMP threads). A watchdog ends the whole job when a
/// collective has waited longer than `timeout` (a rank that hangs; a rank that
/// dies is noticed by `mpirun`, which ends the others): one line naming this rank
/// and the operation, then exit 1, which makes `mpirun` stop every rank.
public final class MPIProcessGroup: ProcessGroup {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The number of ranks in `MPI_COMM_WORLD`.
    public let size: Int
    /// How long one collective may wait for the other ranks.
    public let timeout: Duration

    /// Monotonic nanoseconds at which the pending collective started (0: none).
    private let pendingSince = Atomic<Int64>(0)
    /// The pending collective's name, for the watchdog's message.
    private let pendingName = Mutex<String>("")

    nonisolated(unsafe) private static var shared: MPIProcessGroup?
    /// Sends under way, with the copies they send from (only the training thread touches this).
    nonisolated(unsafe) private var pendingSends: [(request: MPI_Request?, buffer: UnsafeMutableBufferPointer<Float>, destination: Int)] = []

    /// The world group when this process was started by an MPI launcher (OpenMPI's
    /// `mpirun` or Slurm with PMIx), else nil: a plain run is a single process.
    /// `timeout` defaults to `ANNEAL_COLLECTIVE_TIMEOUT` seconds, else 30.
    public static func world() throws -> MPIProcessGroup? {
        if let shared { return shared }
        let environment = ProcessInfo.processInfo.environment
        guard environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil else { return nil }
        let seconds = environment["ANNEAL_COLLECTIVE_TIMEOUT"].flatMap(Double.init) ?? 30
        let group = try MPIProcessGroup(timeout: .milliseconds(Int64(seconds * 1000)))
        shared = group
        return group
    }

    private init(timeout: Duration) throws {
        var provided: Int32 = 0
        try Self.check(anneal_mpi_init(&provided), "MPI_Init_thread")
        _ = anneal_mpi_errors_return()
        rank = Int(anneal_mpi_rank())
        size = Int(anneal_mpi_size())
        self.timeout = timeout
        startWatchdog()
        // Finalize at exit so mpirun sees a clean end of every rank.
        atexit { if anneal_mpi_initialized() != 0 && anneal_mpi_finalized() == 0 { _ = anneal_mpi_finalize() } }
    }

    /// Replaces `values` on every rank by their sum over the ranks (in-place `MPI_Allreduce`).
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws {
        try collective("all-reduce") { anneal_mpi_allreduce_float_sum(values.baseAddress, Int32(values.count)) }
    }

    /// Starts an in-place sum over the ranks (`MPI_Iallreduce`) and returns at once;
    /// `values` must stay alive and untouched until the returned collective completes.
    public func startAllReduceSum(_ values: UnsafeMutableBufferPointer<Float>) throws -> any PendingCollective {
        var request: MPI_Request?
        try collective("all-reduce") { anneal_mpi_iallreduce_float_sum(values.baseAddress, Int32(values.count), &request) }
        return Request(request, group: self, name: "all-reduce")
    }

    /// One non-blocking operation's request; waiting runs under the watchdog.
    final class Request: PendingCollective {
        var request: MPI_Request?
        let group: MPIProcessGroup
        let name: String
        var done = false

        init(_ request: MPI_Request?, group: MPIProcessGroup, name: String) {
            self.request = request
            self.group = group
            self.name = name
        }

        func test() throws -> Bool {
            guard !done else { return true }
            var flag: Int32 = 0
            try group.collective(name) { anneal_mpi_test(&request, &flag) }
            done = flag != 0
            return done
        }

        func wait() throws {
            guard !done else { return }
            try group.collective(name) { anneal_mpi_wait(&request) }
            done = true
        }
    }

    /// Replaces `values` on every rank by their sum over the ranks (in-place `MPI_Allreduce` on doubles).
    public func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>) throws {
        try collective("all-reduce") { anneal_mpi_allreduce_double_sum(values.baseAddress, Int32(values.count)) }
    }

    /// Replaces `values` on every rank by rank `root`'s (`MPI_Bcast`).
    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, from root: Int) throws {
        try collective("broadcast") { anneal_mpi_broadcast_float(values.baseAddress, Int32(values.count), Int32(root)) }
    }

    /// Returns once every rank has called it (`MPI_Barrier`).
    public func barrier() throws {
        try collective("barrier") { anneal_mpi_barrier() }
    }

    /// Sends a copy of `values` to `rank` with `tag` without blocking (`MPI_Isend`),
    /// first freeing the copies of earlier sends that have completed.
    public func send(_ values: UnsafeBufferPointer<Float>, to rank: Int, tag: Int) throws {
        try completeSends(waiting: false)
        // A copy of our own, so the caller's buffer is free at once and the send proceeds while we compute.
        let copy = UnsafeMutableBufferPointer<Float>.allocate(capacity: values.count)
        _ = copy.initialize(from: values)
        var request: MPI_Request?
        try collective("send to rank \(rank)") { anneal_mpi_isend_float(copy.baseAddress, Int32(values.count), Int32(rank), Int32(tag), &request) }
        pendingSends.append((request, copy, rank))
    }

    /// Waits for every send under way to complete and frees their copies.
    public func completeSends() throws { try completeSends(waiting: true) }

    /// Frees the sends that are done; with `waiting`, waits for all of them.
    private func completeSends(waiting: Bool) throws {
        var index = 0
        while index < pendingSends.count {
            var done: Int32 = 0
            let destination = pendingSends[index].destination
            if waiting {
                try collective("send to rank \(destination)") { anneal_mpi_wait(&pendingSends[index].request) }
                done = 1
            } else {
                try collective("send to rank \(destination)") { anneal_mpi_test(&pendingSends[index].request, &done) }
            }
            if done != 0 {
                pendingSends[index].buffer.deallocate()
                pendingSends.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    /// Blocks until the message with `tag` from `rank` has filled `values` (`MPI_Recv`).
    public func receive(_ values: UnsafeMutableBufferPointer<Float>, from rank: Int, tag: Int) throws {
        try collective("receive from rank \(rank)") { anneal_mpi_receive_float(values.baseAddress, Int32(values.count), Int32(rank), Int32(tag)) }
    }

    /// Runs one MPI call under the watchdog.
    fileprivate func collective(_ name: String, _ call: () -> Int32) throws {
        pendingName.withLock { $0 = name }
        pendingSince.store(Self.now(), ordering: .releasing)
        let code = call()
        pendingSince.store(0, ordering: .releasing)
        try Self.check(code, name)
    }

    private func startWatchdog() {
        let limit = Int64(timeout.components.seconds) * 1_000_000_000 + Int64(timeout.components.attoseconds / 1_000_000_000)
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.5)
                let since = pendingSince.load(ordering: .acquiring)
                guard since != 0, Self.now() - since > limit else { continue }
                let name = pendingName.withLock { $0 }
                let seconds = Double(limit) / 1e9
                FileHandle.standardError.write(Data("anneal: rank \(rank) of \(size): the other ranks did not answer for \(seconds) s in \(name); ending the job\n".utf8))
                _exit(1)
            }
        }
        thread.start()
    }

    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    private static func check(_ code: Int32, _ operation: String) throws {
        guard code != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)
        var length: Int32 = 0
        _ = anneal_mpi_error_string(code, &text, &length)
        let bytes = text.prefix(Int(min(max(length, 0), 512))).map { UInt8(bitPattern: $0) }   // length excludes the NUL
        throw ProcessGroupError("MPI \(operation) failed: \(String(decoding: bytes, as: UTF8.self))")
    }
}
