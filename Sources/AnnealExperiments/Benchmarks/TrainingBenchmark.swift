import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealTensor
import AnnealTraining
import Foundation

/// The benchmark models, exactly as the PyTorch reference (benchmarks/pytorch_reference.py) builds them.
public enum BenchmarkModel: String, CaseIterable, Sendable {
    /// mlp-s (one hidden layer of 256), mlp-l (two of 1024), and the cnn, resnet20 and fast presets.
    case mlpS = "mlp-s", mlpL = "mlp-l", cnn, resnet20, fast

    /// The preset configuration with the reference's architecture (no stochastic depth, no zero-γ).
    public var config: ModelConfig {
        var c: ModelConfig
        switch self {
        case .mlpS: c = ModelConfig(name: .mlp); c.hidden = [256]
        case .mlpL: c = ModelConfig(name: .mlp); c.hidden = [1024, 1024]
        case .cnn: c = ModelConfig(name: .cnn)
        case .resnet20: c = ModelConfig(name: .resnet20); c.zeroInitResidual = false; c.stochasticDepth = 0
        case .fast: c = ModelConfig(name: .fast); c.widths = [16, 32, 64, 128]
        }
        return c
    }
}

/// Training and evaluation throughput of a benchmark model on random 28×28 images:
/// the training step is `Trainer.trainStep` (SGD momentum 0.9, weight decay 5e-4,
/// cross-entropy), evaluation a pass as `Evaluator` runs it, and FLOPs are counted
/// from the ops the model runs (`MultiplyAdds`).
public struct TrainingBenchmark {
    /// One model's measurement.
    public struct Result: Sendable {
        /// The model these throughput and memory figures belong to.
        public var model: BenchmarkModel
        /// Images per batch on each rank, ranks in the group, and threads per rank.
        public var batchSize, ranks, threads: Int
        /// Share of the step spent waiting for the gradient all-reduce after backward.
        public var allReducePercent: Double
        /// Gradient all-reduce buckets started per optimizer step.
        public var bucketsPerStep: Int
        /// Percent of the buckets whose all-reduce started while backward was still running (communication overlapped).
        public var bucketsStartedDuringBackwardPercent: Double
        /// Images per second: training over all ranks together, evaluation on one rank.
        public var trainImagesPerSecond, evalImagesPerSecond: Double
        /// Training FLOPs per second (forward and backward).
        public var gflops: Double
        /// Peak resident set size of this process in MB (NaN where /proc does not say).
        public var peakResidentMegabytes: Double
    }

    /// The model to time: a preset with its width and input shape.
    public var model: BenchmarkModel
    /// Images per step on each rank (default 128).
    public var batchSize = 128
    /// Timed steps per repeat (5 repeats after one warm-up, median reported).
    public var steps = 50
    /// Data parallelism: gradients are all-reduced in buckets of at most this many bytes.
    public var bucketBytes = 25 << 20

    /// A benchmark of `model` with batches of 128, 50 timed steps per repeat and 25 MiB buckets.
    public init(model: BenchmarkModel) { self.model = model }

    /// Measures on `Threads.count` threads in every rank of `group`.
    public func measure(group: any ProcessGroup = SingleProcess()) throws -> Result {
        let network = try GlobalRandom.withSeed(0) { try model.config.makeModel() }
        let optimizer = try OptimizerConfig(name: .sgd, learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4).makeOptimizer(for: network)
        let allReduce = GradientAllReduce(group: group, bucketBytes: bucketBytes)
        let trainer = Trainer(model: network, optimizer: optimizer, callbacks: [allReduce])
        var generator = RandomGenerator(seed: 1)
        let batch = Batch(inputs: Tensor.uniform([batchSize, 1, 28, 28], using: &generator), labels: (0..<batchSize).map { $0 % 10 },
                          indices: Array(0..<batchSize))
        // One pass counts the arithmetic (in evaluation mode: batch norm's running statistics stay as they are).
        network.eval()
        let work = MultiplyAdds.counting { _ = network(batch.inputs) }
        network.train()
        var total: Double = 0, stepsTaken = 0
        let trainSeconds = try Timing.medianSeconds(repeats: 5, warmup: 1) {
            for _ in 0..<steps {
                var metrics = Metrics()
                let started = ContinuousClock.now
                _ = try trainer.trainStep([batch], epoch: 0, step: stepsTaken, metrics: &metrics)
                total += (ContinuousClock.now - started).seconds
                stepsTaken += 1
            }
        } / Double(steps)
        network.eval()
        let evalSeconds = Timing.medianSeconds(repeats: 5, warmup: 1) {
            // As `Evaluator` runs a pass: no graph, weights packed once for the GEMM.
            withoutGrad { withPackedWeights { for _ in 0..<steps { _ = network(batch.inputs) } } }
        } / Double(steps)
        let trainRate = Double(batchSize * group.size) / trainSeconds
        return Result(model: model, batchSize: batchSize, ranks: group.size, threads: Threads.count,
                      allReducePercent: allReduce.communicationSeconds / total * 100,
                      bucketsPerStep: allReduce.bucketsStarted / max(1, stepsTaken),
                      bucketsStartedDuringBackwardPercent: Double(allReduce.bucketsOverlapped) / Double(max(1, allReduce.bucketsStarted)) * 100,
                      trainImagesPerSecond: trainRate, evalImagesPerSecond: Double(batchSize) / evalSeconds,
                      gflops: work.trainingFLOPs / Double(batchSize) * trainRate / 1e9, peakResidentMegabytes: Timing.peakResidentMegabytes())
    }
}
