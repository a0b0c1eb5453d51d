/// How a data-parallel run (several ranks under `mpirun`) exchanges what it must.
/// In a single process these change nothing.
public struct ParallelConfig: Codable, Sendable, Equatable {
    /// Batch norm with the statistics of the global batch (all ranks' samples) instead of each rank's.
    public var syncBatchNorm: Bool = false
    /// Gradients are summed over the ranks in buckets of at most this many MiB.
    public var bucketMegabytes: Double = 25

    public init() {}

    public func validate() throws {
        guard bucketMegabytes > 0 && bucketMegabytes <= 4096 else {
            throw ConfigError(field: "parallel.bucketMegabytes", "must be in (0, 4096] MiB, got \(bucketMegabytes)")
        }
    }
}
