import Anneal
import AnnealMPI
import ArgumentParser
import Foundation

/// The process group this process belongs to: the `mpirun` job's when it was
/// started by one, else a single process.
func processGroup() throws -> any ProcessGroup {
    try MPIProcessGroup.world() ?? SingleProcess()
}

/// `anneal train --ranks N …` on one machine: runs the same command line (without
/// `--ranks`) under `mpirun -np N`, each rank with `threadsPerRank` threads (default:
/// the cores divided among the ranks); a failed job exits with mpirun's status after
/// one line of its own. Root needs OpenMPI's permission and more ranks than
/// cores `--oversubscribe`; ranks of one thread are bound to a core each (their caches
/// stay warm), ranks of several threads are not bound (`--bind-to none`), so their
/// threads may use every core.
func runUnderMPI(ranks: Int, threadsPerRank: Int? = nil) throws {
    let threadsPerRank = threadsPerRank ?? max(1, ProcessInfo.processInfo.activeProcessorCount / ranks)
    var arguments = Array(CommandLine.arguments.dropFirst())
    if let i = arguments.firstIndex(of: "--ranks") { arguments.removeSubrange(i...min(i + 1, arguments.count - 1)) }
    arguments.removeAll { $0.hasPrefix("--ranks=") }
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    let binding = threadsPerRank == 1 && ranks <= ProcessInfo.processInfo.activeProcessorCount ? "core" : "none"
    // The ranks ask for the parent-death signal too (ChildProcess.adoptParentDeathSignal), so a killed job leaves nothing behind.
    let status: Int32
    do {
        status = try ChildProcess.run("/usr/bin/env", ["mpirun", "-np", String(ranks), "--oversubscribe", "--bind-to", binding,
                                                       "-x", "ANNEAL_NUM_THREADS", "-x", ChildProcess.environmentKey, executable] + arguments,
                                      environment: ["ANNEAL_NUM_THREADS": String(threadsPerRank), "OMPI_ALLOW_RUN_AS_ROOT": "1",
                                                    "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"])
    } catch {
        throw CommandError("--ranks: cannot start mpirun (apt-get install openmpi-bin): \(error)")
    }
    guard status == 0 else {
        FileHandle.standardError.write(Data("anneal: the \(ranks)-rank job failed (exit status \(status)); the lines above name the rank\n".utf8))
        throw ExitCode(status)
    }
}
