import AnnealDistributed
import AnnealTraining

/// Large batches: how a data-parallel run (several ranks under `mpirun`) exchanges
/// what it must, and gradient accumulation (which also serves a single process).
public struct ParallelConfig: Codable, Sendable, Equatable {
    /// One optimizer step per this many batches (gradient accumulation): the step's
    /// batch is accumulate × batch (× ranks); gradients are exchanged once per step.
    public var accumulate: Int = 1
    /// Batch norm with the statistics of the global batch (all ranks' samples) instead of each rank's.
    public var syncBatchNorm: Bool = false
    /// Gradients are summed over the ranks in buckets of at most this many MiB.
    public var bucketMegabytes: Double = 25
    /// Pipeline (model) parallelism: the model cut into this many stages, one per rank (1: none).
    public var pipelineStages: Int = 1
    /// Pipeline: each step's batch is split into this many micro-batches.
    public var microBatches: Int = 4
    /// Pipeline: the order of the micro-batches' forward and backward passes (default GPipe: all forwards, then all backwards).
    public var pipelineSchedule: PipelineSchedule = .gpipe

    /// The defaults: no accumulation, per-rank batch norm, 25 MiB buckets, no pipeline.
    public init() {}

    /// Checks each field's range; the error names the field (`parallel.…`), the value and what is valid.
    public func validate() throws {
        guard (1...1024).contains(accumulate) else {
            throw ConfigError(field: "parallel.accumulate", "must be in 1...1024 batches per step, got \(accumulate)")
        }
        guard bucketMegabytes > 0 && bucketMegabytes <= 4096 else {
            throw ConfigError(field: "parallel.bucketMegabytes", "must be in (0, 4096] MiB, got \(bucketMegabytes)")
        }
        guard (1...64).contains(pipelineStages) else {
            throw ConfigError(field: "parallel.pipelineStages", "must be in 1...64, got \(pipelineStages)")
        }
        guard (1...4096).contains(microBatches) else {
            throw ConfigError(field: "parallel.microBatches", "must be in 1...4096, got \(microBatches)")
        }
    }
}
