import Anneal
import ArgumentParser
import Foundation

/// `anneal schedule`: look at a learning-rate schedule before training with it.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Print (and optionally plot) the learning rate of every optimizer step of a schedule.",
        discussion: """
            Steps count from 0: step t is the rate of the (t+1)-th optimizer update, the one \
            `anneal train` would use with the same options. Plateau schedules react to \
            --metric-values, one per epoch end; without them they stay at --lr.
            """)

    @OptionGroup var options: ScheduleOptions
    @Option(help: "Peak learning rate (one-cycle: maximum).") var lr: Float
    @Option(help: "Epochs.") var epochs: Int
    @Option(help: "Optimizer steps per epoch (training images / batch size, rounded up).") var stepsPerEpoch: Int
    @Option(help: "Batch size (used by --scale-lr-with-batch).") var batchSize = LinearScalingRule.referenceBatchSize
    @Option(help: "Print every K-th step only.") var every = 1
    @Flag(help: "CSV rows 'step,lr' under that header.") var csv = false
    @Option(help: "Also draw the schedule as a PNG line plot.") var png: String?
    @Option(help: "plateau: monitored metric at each epoch end, comma-separated, to preview reductions.")
    var metricValues: String?

    func validate() throws {
        guard lr > 0 && lr.isFinite else { throw ValidationError("--lr must be positive, got \(lr)") }
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard stepsPerEpoch > 0 else { throw ValidationError("--steps-per-epoch must be positive, got \(stepsPerEpoch)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        guard every > 0 else { throw ValidationError("--every must be positive, got \(every)") }
        let (total, overflow) = epochs.multipliedReportingOverflow(by: stepsPerEpoch)
        guard !overflow, total <= 100_000_000 else { throw ValidationError("--epochs × --steps-per-epoch is over 10^8 steps") }
        if metricValues != nil && options.schedule != .plateau {
            throw ValidationError("--metric-values only applies to --schedule plateau")
        }
        // Building the schedule here reports bad combinations (warmup too long, …) with this command's usage.
        _ = try rates()
    }

    /// The schedule's rates as `anneal train` would use them (without a preset's warmup).
    func rates() throws -> [Float] {
        var run = RunConfig()
        try options.apply(to: &run)
        let metrics: [Double] = try metricValues.map { text in try reportingConfigErrors { try ValueParsing.numbers(text, field: "--metric-values") } } ?? []
        return try reportingConfigErrors {
            try run.schedule.rates(baseLR: lr, epochs: epochs, stepsPerEpoch: stepsPerEpoch, batchSize: batchSize, metrics: metrics)
        }
    }

    func run() throws {
        let rates = try self.rates()
        if let png { try ScheduleConfig.plot(rates, name: options.schedule ?? .cosine, to: png) }
        var out = csv ? "step,lr\n" : "    step  lr\n"
        for step in stride(from: 0, to: rates.count, by: every) {
            out += csv ? "\(step),\(rates[step])\n" : String(format: "%8d  ", step) + "\(rates[step])\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        if let png {
            // On stderr so that `--csv --png` still writes a clean table to stdout.
            printToStandardError(["wrote \(png)"])
        }
    }
}
