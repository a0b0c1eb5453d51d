import Anneal
import ArgumentParser
import Foundation

extension BenchmarkModel: ExpressibleByArgument {}

struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training and evaluation throughput (SGD momentum 0.9, weight decay 5e-4, cross-entropy) on random 28×28 images.")

    @Option(help: "Model: \(BenchmarkModel.allCases.map(\.rawValue).joined(separator: ", ")).") var model: BenchmarkModel = .mlpS
    @Option(help: "Batch size.") var batchSize = 128
    @Option(help: "Timed steps (after warm-up).") var steps = 50
    @Option(help: "Data parallelism: N ranks under mpirun on this machine, each with --threads threads (default 1) and --batch-size images per step.")
    var ranks: Int?
    @Option(help: "Data parallelism: gradients are all-reduced in buckets of at most this many MiB, each started as soon as backward completes it.")
    var bucketMb: Double = 25
    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        let group = try processGroup()
        if let ranks, ranks > 1, !group.isDistributed {
            return try runUnderMPI(ranks: ranks, threadsPerRank: try threadOptions.counts().first ?? 1)
        }
        var benchmark = TrainingBenchmark(model: model)
        benchmark.batchSize = batchSize
        benchmark.steps = steps
        benchmark.bucketBytes = Int(bucketMb * 1_048_576)
        for threads in group.isDistributed ? [Threads.count] : try threadOptions.counts() {
            Threads.count = threads
            let r = try benchmark.measure(group: group)
            guard group.isWriter else { continue }
            printJSON(["framework": "anneal", "model": model.rawValue, "batch": batchSize, "ranks": r.ranks, "threads": threads,
                       "allreduce_percent": r.allReducePercent, "buckets": r.bucketsPerStep,
                       "buckets_started_during_backward_percent": r.bucketsStartedDuringBackwardPercent,
                       "train_images_per_s": r.trainImagesPerSecond, "eval_images_per_s": r.evalImagesPerSecond,
                       "gflops": r.gflops, "peak_rss_mb": r.peakResidentMegabytes])
        }
    }
}
