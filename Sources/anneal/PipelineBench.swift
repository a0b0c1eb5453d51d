import Anneal
import ArgumentParser
import Foundation

/// The pipeline's bubble, measured: per stage, time computing and time waiting for
/// its neighbours, against GPipe's (S − 1)/(M + S − 1).
struct PipelineBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Pipeline-parallel training throughput and idle time per stage (one JSON line per schedule and micro-batch count).")

    @Option(help: "Model: \(PipelineBenchmark.Model.allCases.map(\.rawValue).joined(separator: ", ")).") var model: PipelineBenchmark.Model = .equalMLP
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

        var benchmark = PipelineBenchmark(model: model)
        benchmark.batchSize = batchSize
        benchmark.steps = steps
        for r in try benchmark.measure(schedules: kinds, microBatches: counts, group: group) where group.isWriter {
            printJSON(["framework": "anneal", "model": model.rawValue, "stages": stages, "micro_batches": r.microBatches,
                       "schedule": r.schedule.rawValue, "batch": batchSize, "idle_fraction": r.idleFraction, "gpipe_bubble": r.gpipeBubble,
                       "stage_idle_fraction": r.stageIdleFractions, "stage_busy_s": r.stageBusySeconds, "stage_idle_s": r.stageIdleSeconds,
                       "stage_links": r.stageLinks, "stage_peak_micro_batches_held": r.stagePeakMicroBatchesHeld,
                       "stage_peak_activation_mb": r.stagePeakActivationMegabytes, "train_images_per_s": r.trainImagesPerSecond])
        }
    }
}

extension PipelineBenchmark.Model: ExpressibleByArgument {}
