import Anneal
import AnnealMPI
import ArgumentParser
import Foundation

/// Sum all-reduce over the ranks of an MPI job, per message size.
struct AllReduceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "All-reduce (sum of float32) time and bandwidth per message size, over the ranks of an mpirun job (or --ranks N here).",
        discussion: "gb_per_s is the message size over the time; bus_gb_per_s scales it by 2(n−1)/n, the bytes each rank moves in a ring all-reduce.")

    @Option(help: "Ranks to start under mpirun on this machine (default 2, unless already started by mpirun).") var ranks: Int?
    @Option(help: "Message sizes in bytes, comma-separated.") var sizes = "4096,65536,1048576,4194304,16777216,67108864"
    @Option(help: "Timed repetitions per size (median reported).") var repeats = 20

    func run() throws {
        guard let group = try MPIProcessGroup.world() else {
            return try runUnderMPI(ranks: ranks ?? 2, threadsPerRank: 1)
        }
        let sizes = try reportingConfigErrors { try ValueParsing.sizes(self.sizes, field: "--sizes") }
        for r in try AllReduceBenchmark.measure(sizes: sizes, repeats: repeats, group: group) where group.isWriter {
            printJSON(["bench": "allreduce", "ranks": r.ranks, "bytes": r.bytes, "microseconds": r.seconds * 1e6,
                       "gb_per_s": r.gigabytesPerSecond, "bus_gb_per_s": r.busGigabytesPerSecond])
        }
    }
}
