import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealTensor
import AnnealTraining
import Foundation

/// The pipeline's bubble, measured: per stage, time computing and time waiting for
/// its neighbours, against GPipe's (S − 1)/(M + S − 1). One rank per stage.
public struct PipelineBenchmark {
    /// mlp-4x1024: four 1024-wide layers, so two stages can balance. The first layer
    /// takes 1,280 inputs (40×32): it computes no input gradient, and the slightly
    /// wider input makes up for it (measured: both stages equally busy).
    public enum Model: String, CaseIterable, Sendable {
        /// mlp-4x1024 (above), and the benchmark models mlp-l, cnn and resnet20 (`BenchmarkModel`).
        case equalMLP = "mlp-4x1024", mlpL = "mlp-l", cnn, resnet20

        /// The model's configuration, with `inputShape` set.
        public var config: ModelConfig {
            var c: ModelConfig
            switch self {
            case .equalMLP:
                c = ModelConfig(name: .mlp)
                c.hidden = [1024, 1024, 1024, 1024]
            case .mlpL: c = BenchmarkModel.mlpL.config
            case .cnn: c = BenchmarkModel.cnn.config
            case .resnet20: c = BenchmarkModel.resnet20.config
            }
            c.inputShape = inputShape
            return c
        }

        /// The input images `[channels, height, width]`: 1×40×32 for mlp-4x1024, else 1×28×28.
        public var inputShape: [Int] { self == .equalMLP ? [1, 40, 32] : [1, 28, 28] }
    }

    /// One schedule at one micro-batch count, gathered over the stages (every rank gets it).
    public struct Result: Sendable {
        /// The pipeline schedule (GPipe or 1F1B) these figures belong to.
        public var schedule: PipelineSchedule
        /// Micro-batches each step's batch was split into.
        public var microBatches: Int
        /// Per stage, first to last: seconds computing and seconds waiting for neighbours over the timed steps.
        public var stageBusySeconds, stageIdleSeconds: [Double]
        /// Per stage, the links of the chain it holds as "FIRST-LAST" (1-based, inclusive).
        public var stageLinks: [String]
        /// Per stage, the most micro-batches whose activations it held at once.
        public var stagePeakMicroBatchesHeld: [Int]
        /// Per stage, the most MiB of its links' outputs (what backward keeps) held at once.
        public var stagePeakActivationMegabytes: [Double]
        /// Training images per second through the whole pipeline, waits included.
        public var trainImagesPerSecond: Double
        /// Per stage, the fraction of its time spent waiting.
        public var stageIdleFractions: [Double] { zip(stageBusySeconds, stageIdleSeconds).map { $1 / max($0 + $1, 1e-12) } }
        /// The stages' mean idle fraction: the measured bubble.
        public var idleFraction: Double { stageIdleFractions.reduce(0, +) / Double(stageIdleFractions.count) }
        /// GPipe's predicted bubble (S − 1)/(M + S − 1) for S stages and M micro-batches.
        public var gpipeBubble: Double {
            let stages = Double(stageBusySeconds.count)
            return (stages - 1) / (Double(microBatches) + stages - 1)
        }
    }

    /// The network cut into stages.
    public var model: Model
    /// Images per step, split into the micro-batches (default 256).
    public var batchSize = 256
    /// Timed steps per setting (after 3 warm-up steps).
    public var steps = 20

    /// A benchmark of `model` with batches of 256 and 20 timed steps.
    public init(model: Model) { self.model = model }

    /// Measures every schedule at every micro-batch count in `group` (one rank per stage).
    public func measure(schedules: [PipelineSchedule], microBatches: [Int], group: any ProcessGroup) throws -> [Result] {
        let network = try GlobalRandom.withSeed(0) { try model.config.makeModel() }
        let optimizer = try OptimizerConfig(name: .sgd, learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4).makeOptimizer(for: network)
        let trainer = Trainer(model: network, optimizer: optimizer)
        var generator = RandomGenerator(seed: 1)
        let batch = Batch(inputs: .uniform([batchSize] + model.inputShape, using: &generator),
                          labels: (0..<batchSize).map { $0 % 10 }, indices: Array(0..<batchSize))
        let stages = group.size
        var results: [Result] = []
        for schedule in schedules {
            for m in microBatches {
                let pipeline = try PipelineStage(model: network, group: group, microBatches: m, schedule: schedule,
                                                 sample: batch.inputs.slice(axis: 0, 0..<(batchSize / m)))
                func step() throws {
                    optimizer.zeroGrad()
                    _ = try pipeline.forwardBackward(batch, share: 1, trainer: trainer)
                    optimizer.step()
                }
                for _ in 0..<3 { try step() }
                try group.barrier()
                pipeline.resetTimes()
                let started = ContinuousClock.now
                for _ in 0..<steps { try step() }
                // This rank's wall time before waiting for the others: busy is all of it but the waits.
                let wall = (ContinuousClock.now - started).seconds
                try group.barrier()
                let seconds = (ContinuousClock.now - started).seconds
                // Each rank fills its stage's slots; the sum gathers them on every rank.
                var slots = [Double](repeating: 0, count: 4 * stages)
                let s = pipeline.stage
                (slots[s], slots[stages + s], slots[2 * stages + s], slots[3 * stages + s]) =
                    (wall - pipeline.idleSeconds, pipeline.idleSeconds, Double(pipeline.peakMicroBatchesHeld),
                     Double(pipeline.peakActivationBytes) / 1_048_576)
                try group.allReduceSum(&slots)
                results.append(Result(schedule: schedule, microBatches: m, stageBusySeconds: Array(slots[0..<stages]),
                                      stageIdleSeconds: Array(slots[stages..<(2 * stages)]),
                                      stageLinks: pipeline.partition.map { "\($0.lowerBound + 1)-\($0.upperBound)" },
                                      stagePeakMicroBatchesHeld: slots[(2 * stages)..<(3 * stages)].map { Int($0) },
                                      stagePeakActivationMegabytes: Array(slots[(3 * stages)...]),
                                      trainImagesPerSecond: Double(batchSize * steps) / seconds))
            }
        }
        return results
    }
}
