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
        let sizes = try parseSizes(self.sizes, option: "--sizes")
        for bytes in sizes {
            var values = [Float](repeating: 1, count: max(1, bytes / 4))
            var times: [Double] = []
            for repeatIndex in 0..<(repeats + 2) {
                try group.barrier()
                let started = ContinuousClock.now
                try values.withUnsafeMutableBufferPointer { try group.allReduceSum($0) }
                if repeatIndex >= 2 { times.append((ContinuousClock.now - started).seconds) }
            }
            // The slowest rank decides: take each repetition's maximum over the ranks.
            var slowest = times
            try slowest.withUnsafeMutableBufferPointer { buffer in
                var maxima = [Double](repeating: 0, count: buffer.count)
                for r in 0..<group.size {
                    var mine = r == group.rank ? Array(buffer) : [Double](repeating: 0, count: buffer.count)
                    try group.allReduceSum(&mine)
                    for i in maxima.indices { maxima[i] = max(maxima[i], mine[i]) }
                }
                for i in maxima.indices { buffer[i] = maxima[i] }
            }
            let seconds = slowest.sorted()[slowest.count / 2]
            let n = Double(group.size), rate = Double(bytes) / seconds / 1e9
            if group.isWriter {
                printJSON(["bench": "allreduce", "ranks": group.size, "bytes": bytes, "microseconds": seconds * 1e6,
                           "gb_per_s": rate, "bus_gb_per_s": rate * 2 * (n - 1) / n])
            }
        }
    }
}
