import Anneal
import ArgumentParser
import Foundation

/// The pipeline's bubble, measured: per stage, time computing and time waiting for
/// its neighbours, against GPipe's (S − 1)/(M + S − 1).
struct PipelineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Pipeline-parallel training throughput and idle time per stage (one JSON line per schedule and micro-batch count).")

    /// mlp-4x1024: four 1024-wide layers, so two stages can balance. The first layer
    /// takes 1,280 inputs (40×32): it computes no input gradient, and the slightly
    /// wider input makes up for it (measured: both stages equally busy).
    enum Model: String, CaseIterable, ExpressibleByArgument {
        case equalMLP = "mlp-4x1024", mlpL = "mlp-l", cnn, resnet20

        var config: ModelConfig {
            switch self {
            case .equalMLP:
                var c = ModelConfig(name: .mlp)
                c.hidden = [1024, 1024, 1024, 1024]
                return c
            case .mlpL: return BenchmarkModel.mlpL.config
            case .cnn: return BenchmarkModel.cnn.config
            case .resnet20: return BenchmarkModel.resnet20.config
            }
        }

        var inputShape: [Int] { self == .equalMLP ? [1, 40, 32] : [1, 28, 28] }
    }

    @Option(help: "Model: \(Model.allCases.map(\.rawValue).joined(separator: ", ")).") var model: Model = .equalMLP
    @Option(help: "Pipeline stages, one rank (of one thread) each.") var stages = 2
    @Option(help: "Micro-batch counts to measure, comma-separated.") var microBatches = "1,2,4,8,16"
    @Option(help: "Schedules to measure, comma-separated: gpipe, 1f1b.") var schedules = "gpipe,1f1b"
    @Option(help: "Batch size (split into the micro-batches).") var batchSize = 256
    @Option(help: "Timed steps per setting (after 3 warm-up steps).") var steps = 20

    func run() throws {
        let counts = try microBatches.split(separator: ",").map { text -> Int in
            guard let m = Int(text.trimmingCharacters(in: .whitespaces)), m >= 1, m <= batchSize else {
                throw ValidationError("--micro-batches: '\(text)' is not a count in 1...\(batchSize)")
            }
            return m
        }
        let kinds = try schedules.split(separator: ",").map { text -> PipelineSchedule in
            guard let kind = PipelineSchedule(rawValue: String(text)) else {
                throw ValidationError("--schedules: unknown schedule '\(text)'; valid: gpipe, 1f1b")
            }
            return kind
        }
        guard stages >= 2 else { throw ValidationError("--stages: a pipeline needs at least 2 stages, got \(stages)") }
        let group = try processGroup()
        guard group.isDistributed else { return try runUnderMPI(ranks: stages, threadsPerRank: 1) }
        guard group.size == stages else { throw ValidationError("--stages \(stages) under a job of \(group.size) ranks") }

        var config = model.config
        config.inputShape = model.inputShape
        let network = try GlobalRandom.withSeed(0) { try config.makeModel() }
        let optimizer = try OptimizerConfig(name: .sgd, learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4).makeOptimizer(for: network)
        let trainer = Trainer(model: network, optimizer: optimizer)
        var generator = RandomGenerator(seed: 1)
        let batch = Batch(inputs: .uniform([batchSize] + model.inputShape, using: &generator),
                          labels: (0..<batchSize).map { $0 % 10 }, indices: Array(0..<batchSize))
        for schedule in kinds {
            for m in counts {
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
                    (wall - pipeline.idleSeconds, pipeline.idleSeconds, Double(pipeline.peakMicroBatchesHeld), Double(pipeline.peakActivationBytes) / 1_048_576)
                try group.allReduceSum(&slots)
                guard group.isWriter else { continue }
                let busy = Array(slots[0..<stages]), idle = Array(slots[stages..<(2 * stages)])
                let fractions = zip(busy, idle).map { $1 / max($0 + $1, 1e-12) }
                printJSON(["framework": "anneal", "model": model.rawValue, "stages": stages, "micro_batches": m,
                           "schedule": schedule.rawValue, "batch": batchSize,
                           "idle_fraction": fractions.reduce(0, +) / Double(stages),
                           "gpipe_bubble": Double(stages - 1) / Double(m + stages - 1),
                           "stage_idle_fraction": fractions, "stage_busy_s": busy, "stage_idle_s": idle,
                           "stage_links": pipeline.partition.map { "\($0.lowerBound + 1)-\($0.upperBound)" },
                           "stage_peak_micro_batches_held": Array(slots[(2 * stages)..<(3 * stages)]).map { Int($0) },
                           "stage_peak_activation_mb": Array(slots[(3 * stages)...]),
                           "train_images_per_s": Double(batchSize * steps) / seconds])
            }
        }
    }
}
