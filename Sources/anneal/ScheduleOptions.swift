import Anneal
import ArgumentParser
import Foundation

/// Learning-rate schedule options shared by `anneal schedule` and `anneal train`.
/// Times are in epochs (fractions allowed) and converted to optimizer steps;
/// options that the chosen schedule does not use are rejected, so a typo'd
/// combination fails instead of silently doing nothing.
struct ScheduleOptions: ParsableArguments {
    static let names = ["constant", "step", "exponential", "cosine", "cosine-restarts", "linear",
                        "inverse-sqrt", "poly", "one-cycle", "plateau"]

    @Option(help: "Learning-rate schedule: \(ScheduleOptions.names.joined(separator: ", ")). --lr is its peak (one-cycle: its maximum).")
    var schedule = "cosine"
    @Option(help: "Warmup epochs (fractions allowed) in front of the schedule; one-cycle uses it as its rising part (train default: the preset's, 1 for cnn and resnets, less in runs shorter than the preset's; 0 for mlp).")
    var warmup: Double?
    @Option(help: "Warmup ramp: linear or exponential.") var warmupMode = "linear"
    @Option(help: "Warmup starts at this fraction of the rate (default 0.01).") var warmupStartFactor: Float?
    @Option(help: "step: epochs at which the rate is multiplied by --gamma, comma-separated (default: 50% and 75% of the epochs).")
    var milestones: String?
    @Option(help: "step: factor at each milestone (default 0.1); exponential: factor per epoch (default 0.95).")
    var gamma: Float?
    @Option(help: "Lowest rate: floor of cosine and cosine-restarts, end of linear and poly, minimum of plateau (default 0).")
    var minLr: Float?
    @Option(help: "cosine-restarts: length of the first cycle in epochs (default 10).") var t0: Double?
    @Option(help: "cosine-restarts: each cycle is this many times longer than the last (default 2).") var tMult: Int?
    @Option(help: "poly: exponent (default 0.9).") var power: Float?
    @Option(help: "one-cycle: fraction of the steps spent rising (default 0.3, or --warmup / --epochs).") var pctStart: Double?
    @Option(help: "plateau: epochs without improvement before the rate is reduced (default 10).") var plateauPatience: Int?
    @Option(help: "plateau: factor applied at each reduction (default 0.1).") var plateauFactor: Double?
    @Option(help: "plateau: relative improvement that counts (default 1e-4).") var plateauThreshold: Double?
    @Option(help: "plateau: epochs to wait after a reduction (default 0).") var plateauCooldown: Int?
    @Option(help: "Metric that plateau (and early stopping) watch: \(MonitoredMetric.allCases.map(\.rawValue).joined(separator: ", ")); loss and accuracy are the test set's.")
    var monitor = "loss"
    @Flag(help: "Linear scaling rule: lr × batch/256, reached by Goyal et al.'s linear warmup from the unscaled lr over --warmup epochs (default 5).")
    var scaleLrWithBatch = false

    /// Which schedules read each option (for the "does not apply" check).
    private var uses: [(option: String, given: Bool, schedules: Set<String>)] {
        [("--milestones", milestones != nil, ["step"]),
         ("--gamma", gamma != nil, ["step", "exponential"]),
         ("--min-lr", minLr != nil, ["cosine", "cosine-restarts", "linear", "poly", "plateau"]),
         ("--t0", t0 != nil, ["cosine-restarts"]),
         ("--t-mult", tMult != nil, ["cosine-restarts"]),
         ("--power", power != nil, ["poly"]),
         ("--pct-start", pctStart != nil, ["one-cycle"]),
         ("--plateau-patience", plateauPatience != nil, ["plateau"]),
         ("--plateau-factor", plateauFactor != nil, ["plateau"]),
         ("--plateau-threshold", plateauThreshold != nil, ["plateau"]),
         ("--plateau-cooldown", plateauCooldown != nil, ["plateau"])]
    }

    func validate() throws {
        guard ScheduleOptions.names.contains(schedule) else {
            throw ValidationError("unknown schedule '\(schedule)'; valid: \(ScheduleOptions.names.joined(separator: ", "))")
        }
        for use in uses where use.given && !use.schedules.contains(schedule) {
            throw ValidationError("\(use.option) does not apply to --schedule \(schedule) (it is for \(use.schedules.sorted().joined(separator: ", ")))")
        }
        guard Warmup.Shape(rawValue: warmupMode) != nil else {
            throw ValidationError("--warmup-mode must be linear or exponential, got '\(warmupMode)'")
        }
        guard MonitoredMetric(rawValue: monitor) != nil else {
            throw ValidationError("unknown --monitor '\(monitor)'; valid: \(MonitoredMetric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let warmup, !(warmup >= 0 && warmup.isFinite) { throw ValidationError("--warmup must be ≥ 0 epochs, got \(warmup)") }
        if let f = warmupStartFactor, !(f > 0 && f <= 1) { throw ValidationError("--warmup-start-factor must be in (0, 1], got \(f)") }
        if let gamma, !(gamma > 0 && gamma.isFinite) { throw ValidationError("--gamma must be positive, got \(gamma)") }
        if let minLr, !(minLr >= 0 && minLr.isFinite) { throw ValidationError("--min-lr must be ≥ 0, got \(minLr)") }
        if let t0, !(t0 > 0 && t0.isFinite) { throw ValidationError("--t0 must be positive, got \(t0)") }
        if let tMult, tMult < 1 { throw ValidationError("--t-mult must be ≥ 1, got \(tMult)") }
        if let power, !(power > 0 && power.isFinite) { throw ValidationError("--power must be positive, got \(power)") }
        if let pctStart, !(pctStart > 0 && pctStart < 1) { throw ValidationError("--pct-start must be in (0, 1), got \(pctStart)") }
        if let p = plateauPatience, p < 0 { throw ValidationError("--plateau-patience must be ≥ 0, got \(p)") }
        if let f = plateauFactor, !(f > 0 && f < 1) { throw ValidationError("--plateau-factor must be in (0, 1), got \(f)") }
        if let t = plateauThreshold, !(t >= 0 && t.isFinite) { throw ValidationError("--plateau-threshold must be ≥ 0, got \(t)") }
        if let c = plateauCooldown, c < 0 { throw ValidationError("--plateau-cooldown must be ≥ 0, got \(c)") }
        if scaleLrWithBatch && (warmupStartFactor != nil || warmupMode != "linear") {
            throw ValidationError("--scale-lr-with-batch warms up linearly from the unscaled lr; drop --warmup-mode/--warmup-start-factor")
        }
        if let milestones { _ = try parseMilestones(milestones) }
    }

    var monitoredMetric: MonitoredMetric { MonitoredMetric(rawValue: monitor) ?? .loss }

    /// Warmup epochs in front of the schedule: --warmup, else 5 under the linear
    /// scaling rule, else `defaultWarmup` (the preset's); none for one-cycle, whose
    /// rising part is its own.
    func warmupEpochs(defaultWarmup: Double = 0) -> Double {
        guard schedule != "one-cycle" else { return 0 }
        return warmup ?? (scaleLrWithBatch ? 5 : defaultWarmup)
    }

    /// The schedule for a run of `epochs` × `stepsPerEpoch` updates with peak rate
    /// `baseLR` (before the linear scaling rule, when that is on). Decaying
    /// schedules start after the warmup and end with the last step; step decay
    /// keeps its milestones at absolute epochs (Goyal et al.); plateau is ramped as it is.
    func makeSchedule(baseLR: Float, epochs: Int, stepsPerEpoch: Int, batchSize: Int,
                      defaultWarmup: Double = 0) throws -> any LearningRateSchedule {
        guard baseLR > 0 && baseLR.isFinite else { throw ValidationError("--lr must be positive, got \(baseLR)") }
        guard epochs > 0 else { throw ValidationError("--epochs must be positive, got \(epochs)") }
        guard stepsPerEpoch > 0 else { throw ValidationError("steps per epoch must be positive, got \(stepsPerEpoch)") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        let total = epochs * stepsPerEpoch
        func steps(_ epochs: Double) -> Int { Int((epochs * Double(stepsPerEpoch)).rounded()) }
        let warmupEpochs = warmupEpochs(defaultWarmup: defaultWarmup)
        let warmupSteps = steps(warmupEpochs)
        guard warmupSteps < total else {
            throw ValidationError("--warmup \(warmupEpochs) epochs is not shorter than the \(epochs)-epoch run")
        }
        let decaySteps = total - warmupSteps
        let scale = scaleLrWithBatch ? LinearScalingRule.factor(batchSize: batchSize) : 1
        let floor = minLr ?? 0
        if ["cosine", "cosine-restarts"].contains(schedule), floor > baseLR * scale {
            throw ValidationError("--min-lr \(floor) is above the peak rate \(baseLR * scale)")
        }

        let inner: any LearningRateSchedule, clock: Warmup.Clock
        switch schedule {
        case "constant":
            (inner, clock) = (ConstantSchedule(baseLR), .shared)
        case "step":
            let epochsList = try milestones.map(parseMilestones) ?? [epochs / 2, epochs * 3 / 4].filter { $0 > 0 }
            (inner, clock) = (StepDecay(initial: baseLR, milestoneEpochs: epochsList, stepsPerEpoch: stepsPerEpoch, gamma: gamma ?? 0.1), .shared)
        case "exponential":
            (inner, clock) = (ExponentialDecay.perEpoch(initial: baseLR, gamma: gamma ?? 0.95, stepsPerEpoch: stepsPerEpoch), .afterWarmup)
        case "cosine":
            (inner, clock) = (CosineDecay(initial: baseLR, totalSteps: decaySteps, floor: floor / scale), .afterWarmup)
        case "cosine-restarts":
            (inner, clock) = (CosineWarmRestarts(initial: baseLR, firstCycle: max(1, steps(t0 ?? 10)),
                                                 cycleMultiplier: tMult ?? 2, floor: floor / scale), .afterWarmup)
        case "linear":
            (inner, clock) = (LinearDecay(initial: baseLR, final: floor / scale, totalSteps: decaySteps), .afterWarmup)
        case "inverse-sqrt":
            // τ = warmup steps: a₀ when warmup ends, a₀·√(W/t) after (the Transformer's form).
            (inner, clock) = (InverseSqrtDecay(initial: baseLR, timescale: max(1, warmupSteps)), .afterWarmup)
        case "poly":
            (inner, clock) = (PolynomialDecay(initial: baseLR, final: floor / scale, totalSteps: decaySteps, power: power ?? 0.9), .afterWarmup)
        case "one-cycle":
            guard total >= 2 else { throw ValidationError("one-cycle needs at least 2 steps") }
            let rise = pctStart ?? (warmup.map { $0 / Double(epochs) } ?? 0.3)
            guard rise > 0 && rise < 1 else { throw ValidationError("one-cycle: --warmup must be shorter than --epochs and positive") }
            return OneCycle(maxRate: baseLR * scale, totalSteps: total, pctStart: rise)
        case "plateau":
            let metric = monitoredMetric
            (inner, clock) = (ReduceOnPlateau(initial: baseLR, mode: metric.mode, factor: plateauFactor ?? 0.1,
                                              patience: plateauPatience ?? 10, threshold: plateauThreshold ?? 1e-4,
                                              cooldown: plateauCooldown ?? 0, minRate: floor / scale), .shared)
        default:
            throw ValidationError("unknown schedule '\(schedule)'")
        }
        if scaleLrWithBatch {
            return LinearScalingRule.schedule(inner, batchSize: batchSize, warmupSteps: warmupSteps, clock: clock)
        }
        guard warmupSteps > 0 else { return inner }
        return Warmup(steps: warmupSteps, shape: Warmup.Shape(rawValue: warmupMode) ?? .linear,
                      startFactor: warmupStartFactor ?? Warmup.defaultStartFactor, clock: clock, wrapping: inner)
    }

    private func parseMilestones(_ text: String) throws -> [Int] {
        let values = try text.split(separator: ",").map { part -> Int in
            guard let n = Int(part.trimmingCharacters(in: .whitespaces)), n > 0 else {
                throw ValidationError("--milestones: '\(part)' is not a positive whole epoch")
            }
            return n
        }
        guard !values.isEmpty else { throw ValidationError("--milestones: no epochs given") }
        return values
    }
}
