import AnnealDistributed
import Foundation

/// Sum all-reduce of float32 over the ranks of a group, per message size.
public enum AllReduceBenchmark {
    /// One message size's measurement.
    public struct Result: Sendable {
        /// Message size in bytes (float32 values, so bytes/4 of them).
        public var bytes: Int
        /// Median over the repetitions of the slowest rank's time.
        public var seconds: Double
        /// Ranks that took part (the group's size).
        public var ranks: Int
        /// Message size over the time.
        public var gigabytesPerSecond: Double { Double(bytes) / seconds / 1e9 }
        /// Scaled by 2(n−1)/n: the bytes each rank moves in a ring all-reduce.
        public var busGigabytesPerSecond: Double { gigabytesPerSecond * 2 * Double(ranks - 1) / Double(ranks) }
    }

    /// Every rank of `group` must call this with the same arguments.
    public static func measure(sizes: [Int], repeats: Int, group: any ProcessGroup) throws -> [Result] {
        try sizes.map { bytes in
            var values = [Float](repeating: 1, count: max(1, bytes / 4))
            var times: [Double] = []
            for repeatIndex in 0..<(repeats + 2) {
                try group.barrier()
                let started = ContinuousClock.now
                try values.withUnsafeMutableBufferPointer { try group.allReduceSum($0) }
                if repeatIndex >= 2 { times.append((ContinuousClock.now - started).seconds) }
            }
            // The slowest rank decides: take each repetition's maximum over the ranks.
            var maxima = [Double](repeating: 0, count: times.count)
            for r in 0..<group.size {
                var mine = r == group.rank ? times : [Double](repeating: 0, count: times.count)
                try group.allReduceSum(&mine)
                for i in maxima.indices { maxima[i] = max(maxima[i], mine[i]) }
            }
            return Result(bytes: bytes, seconds: maxima.sorted()[maxima.count / 2], ranks: group.size)
        }
    }
}
