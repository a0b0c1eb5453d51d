import Foundation

/// Starts a program's ranks under `mpirun` on this machine (what `anneal train
/// --ranks N` does): each rank with `threadsPerRank` threads, root allowed, more
/// ranks than cores allowed; ranks of one thread bound to a core each (their caches
/// stay warm), ranks of several threads unbound (`--bind-to none`) so their threads
/// may use every core. Through `ChildProcess`: a killed launcher leaves no rank behind
/// (the ranks adopt the parent-death signal themselves). A stop asked of the launcher
/// (`Preemption`) reaches every rank as SIGUSR1, which mpirun forwards (a SIGTERM to
/// mpirun would end the ranks instead of letting them checkpoint).
public enum MPILauncher {
    /// Runs `executable arguments` as `ranks` ranks and returns mpirun's exit status.
    public static func run(_ executable: String, _ arguments: [String], ranks: Int, threadsPerRank: Int? = nil) throws -> Int32 {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threads = threadsPerRank ?? max(1, cores / ranks)
        let binding = threads == 1 && ranks <= cores ? "core" : "none"
        do {
            return try ChildProcess.run("/usr/bin/env", ["mpirun", "-np", String(ranks), "--oversubscribe", "--bind-to", binding,
                                                         "-x", "ANNEAL_NUM_THREADS", "-x", ChildProcess.environmentKey, executable] + arguments,
                                        environment: ["ANNEAL_NUM_THREADS": String(threads), "OMPI_ALLOW_RUN_AS_ROOT": "1",
                                                      "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"], stopSignal: SIGUSR1)
        } catch {
            throw ChildProcessError("cannot start mpirun (apt-get install openmpi-bin): \(error)")
        }
    }
}
