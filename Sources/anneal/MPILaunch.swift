import Anneal
import AnnealMPI
import ArgumentParser
import Foundation

/// The process group this process belongs to: the `mpirun` job's when it was
/// started by one, else a single process.
func processGroup() throws -> any ProcessGroup {
    try MPIProcessGroup.world() ?? SingleProcess()
}

/// `anneal … --ranks N` on one machine: the same command line without `--ranks`
/// under mpirun (`MPILauncher`); a failed job exits with mpirun's status after one
/// line of its own.
func runUnderMPI(ranks: Int, threadsPerRank: Int? = nil) throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    if let i = arguments.firstIndex(of: "--ranks") { arguments.removeSubrange(i...min(i + 1, arguments.count - 1)) }
    arguments.removeAll { $0.hasPrefix("--ranks=") }
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    let status: Int32
    do { status = try MPILauncher.run(executable, arguments, ranks: ranks, threadsPerRank: threadsPerRank) } catch {
        throw CommandError("--ranks: \(error)")
    }
    // Preempted: rank 0 has said so, and where to resume.
    if status == Preemption.exitStatus { throw ExitCode(status) }
    guard status == 0 else {
        printToStandardError(["anneal: the \(ranks)-rank job failed (exit status \(status)); the lines above name the rank"])
        throw ExitCode(status)
    }
}
