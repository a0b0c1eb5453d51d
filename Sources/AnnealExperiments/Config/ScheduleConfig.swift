import AnnealDistributed
import AnnealOptim
import AnnealReports
import AnnealTraining

/// The learning-rate schedules a configuration can name.
public enum ScheduleKind: String, Codable, CaseIterable, Sendable {
    /// constant: the peak rate throughout; step: × `gamma` at each milestone epoch;
    /// exponential: × `gamma` per epoch; cosine: half a cosine from the peak down to `minLearningRate`.
    case constant, step, exponential, cosine
    /// Cosine decay restarted at the peak at the end of each cycle (SGDR, Loshchilov and Hutter).
    case cosineRestarts = "cosine-restarts"
    /// A straight line from the peak down to `minLearningRate` at the last step.
    case linear
    /// Peak × √(W/t) after a warmup of W steps (the Transformer's decay).
    case inverseSqrt = "inverse-sqrt"
    /// Polynomial decay (peak − floor)·(1 − t/T)^`power` + floor, down to `minLearningRate`.
    case poly
    /// One-cycle (Smith and Topin): from peak/25 up to the peak over `pctStart` of the steps, then
    /// down to peak/(25 · 10⁴); the rise is its warmup.
    case oneCycle = "one-cycle"
    /// × `plateauFactor` whenever the monitored metric stops improving for `plateauPatience` epochs.
    case plateau
}

/// A learning-rate schedule with optional warmup. Times are in epochs (fractions
/// allowed) and become optimizer steps once the steps per epoch are known. A
/// field that the chosen schedule does not read is refused, so a mistyped
/// combination fails instead of silently doing nothing.
public struct ScheduleConfig: Codable, Sendable, Equatable {
    /// The schedule after the warmup (default cosine).
    public var name: ScheduleKind = .cosine
    /// Warmup epochs in front of the schedule; nil: the preset's (shortened for short
    /// runs), 5 under the linear scaling rule. one-cycle turns it into its rising part.
    public var warmupEpochs: Double? = nil
    /// How the warmup rises from `warmupStartFactor` × the rate to the rate: linearly (default) or exponentially.
    public var warmupShape: Warmup.Shape = .linear
    /// The warmup starts at this fraction of the rate (default 0.01).
    public var warmupStartFactor: Float? = nil
    /// step: epochs at which the rate is multiplied by `gamma` (default 50 % and 75 % of the run).
    public var milestones: [Int]? = nil
    /// step: factor at each milestone (default 0.1); exponential: factor per epoch (default 0.95).
    public var gamma: Float? = nil
    /// Floor of cosine and cosine-restarts, end of linear and poly, minimum of plateau (default 0).
    public var minLearningRate: Float? = nil
    /// cosine-restarts: length of the first cycle in epochs (default 10).
    public var firstCycleEpochs: Double? = nil
    /// cosine-restarts: each cycle is this many times longer than the last (default 2).
    public var cycleMultiplier: Int? = nil
    /// cosine-restarts: K equal cycles that fill the run after the warmup, instead of
    /// `firstCycleEpochs` and `cycleMultiplier` (snapshot ensembles).
    public var cycles: Int? = nil
    /// Exponent of the poly schedule, lr·(1 − t/T)^power (default 0.9; other schedules ignore it).
    public var power: Float? = nil
    /// one-cycle: fraction of the steps spent rising (default 0.3).
    public var pctStart: Double? = nil
    /// plateau: epochs without improvement before a reduction (default 10).
    public var plateauPatience: Int? = nil
    /// plateau: factor of each reduction (default 0.1).
    public var plateauFactor: Double? = nil
    /// plateau: relative improvement that counts (default 1e-4).
    public var plateauThreshold: Double? = nil
    /// plateau: epochs to wait after a reduction (default 0).
    public var plateauCooldown: Int? = nil
    /// The metric that plateau (and early stopping) watch.
    public var monitor: MonitoredMetric = .loss
    /// Linear scaling rule: lr × batch/reference, reached by a linear warmup from the unscaled rate (Goyal et al.).
    public var scaleWithBatch: Bool = false
    /// Linear scaling rule: the batch the learning rate was chosen for (resolved: the
    /// preset's recipe batch; run.json files before schema 3 ran with 256; unresolved: 256).
    public var referenceBatch: Int? = nil

    /// The schedule `name` with every optional field unset (the defaults apply once resolved).
    public init(name: ScheduleKind = .cosine) { self.name = name }

    /// Times in epochs above this are refused: no run is that long, and converted to
    /// steps they would overflow.
    public static let maximumEpochs = 1_000_000

    /// Which schedules read each optional field (for the "does not apply" check).
    private var uses: [(field: String, given: Bool, schedules: Set<ScheduleKind>)] {
        [("milestones", milestones != nil, [.step]),
         ("gamma", gamma != nil, [.step, .exponential]),
         ("minLearningRate", minLearningRate != nil, [.cosine, .cosineRestarts, .linear, .poly, .plateau]),
         ("firstCycleEpochs", firstCycleEpochs != nil, [.cosineRestarts]),
         ("cycleMultiplier", cycleMultiplier != nil, [.cosineRestarts]),
         ("cycles", cycles != nil, [.cosineRestarts]),
         ("power", power != nil, [.poly]),
         ("pctStart", pctStart != nil, [.oneCycle]),
         ("plateauPatience", plateauPatience != nil, [.plateau]),
         ("plateauFactor", plateauFactor != nil, [.plateau]),
         ("plateauThreshold", plateauThreshold != nil, [.plateau]),
         ("plateauCooldown", plateauCooldown != nil, [.plateau])]
    }

    /// Every default filled in for a run of `epochs` whose preset warms up for
    /// `presetWarmup` epochs: what the run will actually use.
    public func resolved(epochs: Int, presetWarmup: Double = 0) -> ScheduleConfig {
        var c = self
        switch name {
        case .oneCycle:
            // One-cycle's rise is its own warmup.
            c.pctStart = pctStart ?? warmupEpochs.map { $0 / Double(max(epochs, 1)) } ?? 0.3
            c.warmupEpochs = 0
        default:
            c.warmupEpochs = warmupEpochs ?? (scaleWithBatch ? 5 : presetWarmup)
        }
        if c.warmupEpochs ?? 0 > 0 && !scaleWithBatch { c.warmupStartFactor = warmupStartFactor ?? Warmup.defaultStartFactor }
        switch name {
        case .step:
            c.milestones = milestones ?? [epochs / 2, epochs * 3 / 4].filter { $0 > 0 }
            c.gamma = gamma ?? 0.1
        case .exponential: c.gamma = gamma ?? 0.95
        case .cosine, .linear: c.minLearningRate = minLearningRate ?? 0
        case .cosineRestarts:
            c.minLearningRate = minLearningRate ?? 0
            if cycles == nil {
                c.firstCycleEpochs = firstCycleEpochs ?? 10
                c.cycleMultiplier = cycleMultiplier ?? 2
            }
        case .poly:
            c.minLearningRate = minLearningRate ?? 0
            c.power = power ?? 0.9
        case .plateau:
            c.minLearningRate = minLearningRate ?? 0
            c.plateauPatience = plateauPatience ?? 10
            c.plateauFactor = plateauFactor ?? 0.1
            c.plateauThreshold = plateauThreshold ?? 1e-4
            c.plateauCooldown = plateauCooldown ?? 0
        case .constant, .inverseSqrt, .oneCycle: break
        }
        return c
    }

    /// Checks ranges and refuses fields the chosen schedule does not read; the error
    /// names the field (`schedule.…`), the value and what is valid.
    public func validate() throws {
        func bad(_ field: String, _ message: String) -> ConfigError { ConfigError(field: "schedule.\(field)", message) }
        for use in uses where use.given && !use.schedules.contains(name) {
            throw bad(use.field, "does not apply to the \(name.rawValue) schedule (it is for \(use.schedules.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
        let most = Double(ScheduleConfig.maximumEpochs)
        if let w = warmupEpochs, !(w >= 0 && w <= most) { throw bad("warmupEpochs", "must be in 0...\(ScheduleConfig.maximumEpochs) epochs, got \(w)") }
        if let f = warmupStartFactor, !(f > 0 && f <= 1) { throw bad("warmupStartFactor", "must be in (0, 1], got \(f)") }
        if let gamma, !(gamma > 0 && gamma.isFinite) { throw bad("gamma", "must be positive, got \(gamma)") }
        if let m = minLearningRate, !(m >= 0 && m.isFinite) { throw bad("minLearningRate", "must be ≥ 0, got \(m)") }
        if let t = firstCycleEpochs, !(t > 0 && t <= most) { throw bad("firstCycleEpochs", "must be in (0, \(ScheduleConfig.maximumEpochs)] epochs, got \(t)") }
        if let m = cycleMultiplier, m < 1 { throw bad("cycleMultiplier", "must be ≥ 1, got \(m)") }
        if let k = cycles {
            guard k >= 1 && k <= ScheduleConfig.maximumEpochs else { throw bad("cycles", "must be in 1...\(ScheduleConfig.maximumEpochs), got \(k)") }
            guard firstCycleEpochs == nil && cycleMultiplier == nil else {
                throw bad("cycles", "equal cycles exclude firstCycleEpochs and cycleMultiplier")
            }
        }
        if let power, !(power > 0 && power.isFinite) { throw bad("power", "must be positive, got \(power)") }
        if let p = pctStart, !(p > 0 && p < 1) { throw bad("pctStart", "must be in (0, 1), got \(p)") }
        if let p = plateauPatience, p < 0 { throw bad("plateauPatience", "must be ≥ 0, got \(p)") }
        if let f = plateauFactor, !(f > 0 && f < 1) { throw bad("plateauFactor", "must be in (0, 1), got \(f)") }
        if let t = plateauThreshold, !(t >= 0 && t.isFinite) { throw bad("plateauThreshold", "must be ≥ 0, got \(t)") }
        if let c = plateauCooldown, c < 0 { throw bad("plateauCooldown", "must be ≥ 0, got \(c)") }
        if let milestones {
            guard !milestones.isEmpty, milestones.allSatisfy({ $0 > 0 && $0 <= ScheduleConfig.maximumEpochs }) else {
                throw bad("milestones", "must be whole epochs in 1...\(ScheduleConfig.maximumEpochs), got \(milestones)")
            }
        }
        if let n = referenceBatch {
            guard scaleWithBatch else { throw bad("referenceBatch", "is the linear scaling rule's; it applies only with scaleWithBatch") }
            guard n >= 1 else { throw bad("referenceBatch", "must be at least 1 image, got \(n)") }
        }
        if scaleWithBatch && (warmupShape != .linear || (warmupStartFactor != nil && warmupStartFactor != Warmup.defaultStartFactor)) {
            throw bad("scaleWithBatch", "warms up linearly from the unscaled rate; leave warmupShape and warmupStartFactor unset")
        }
    }

    /// The schedule for a run of `epochs` × `stepsPerEpoch` updates with peak rate
    /// `baseLR` (before the linear scaling rule, when that is on), from a resolved
    /// configuration. Decaying schedules start after the warmup and end with the
    /// last step; step decay keeps its milestones at absolute epochs (Goyal et
    /// al.); plateau is ramped as it is.
    public func makeSchedule(baseLR: Float, epochs: Int, stepsPerEpoch: Int, batchSize: Int) throws -> any LearningRateSchedule {
        try validate()
        guard baseLR > 0 && baseLR.isFinite else { throw ConfigError(field: "optimizer.learningRate", "must be positive, got \(baseLR)") }
        guard epochs > 0 else { throw ConfigError(field: "epochs", "must be positive, got \(epochs)") }
        guard stepsPerEpoch > 0 else { throw ConfigError("steps per epoch must be positive, got \(stepsPerEpoch)") }
        guard batchSize > 0 else { throw ConfigError(field: "data.batchSize", "must be positive, got \(batchSize)") }
        let total = epochs * stepsPerEpoch
        func steps(_ epochs: Double) -> Int { Int((epochs * Double(stepsPerEpoch)).rounded()) }
        let warmupEpochs = warmupEpochs ?? 0
        let warmupSteps = steps(warmupEpochs)
        guard warmupSteps < total else {
            throw ConfigError(field: "schedule.warmupEpochs", "\(warmupEpochs) epochs is not shorter than the \(epochs)-epoch run")
        }
        let decaySteps = total - warmupSteps
        let reference = referenceBatch ?? LinearScalingRule.referenceBatchSize
        let scale = scaleWithBatch ? LinearScalingRule.factor(batchSize: batchSize, referenceBatchSize: reference) : 1
        let floor = minLearningRate ?? 0
        if [.cosine, .cosineRestarts].contains(name), floor > baseLR * scale {
            throw ConfigError(field: "schedule.minLearningRate", "\(floor) is above the peak rate \(baseLR * scale)")
        }

        let inner: any LearningRateSchedule, clock: Warmup.Clock
        switch name {
        case .constant:
            (inner, clock) = (ConstantSchedule(baseLR), .shared)
        case .step:
            let epochsList = milestones ?? [epochs / 2, epochs * 3 / 4].filter { $0 > 0 }
            (inner, clock) = (StepDecay(initial: baseLR, milestoneEpochs: epochsList, stepsPerEpoch: stepsPerEpoch, gamma: gamma ?? 0.1), .shared)
        case .exponential:
            (inner, clock) = (ExponentialDecay.perEpoch(initial: baseLR, gamma: gamma ?? 0.95, stepsPerEpoch: stepsPerEpoch), .afterWarmup)
        case .cosine:
            (inner, clock) = (CosineDecay(initial: baseLR, totalSteps: decaySteps, floor: floor / scale), .afterWarmup)
        case .cosineRestarts:
            let firstCycle = cycles.map { cycleLength(decaySteps: decaySteps, cycles: $0) } ?? max(1, steps(firstCycleEpochs ?? 10))
            (inner, clock) = (CosineWarmRestarts(initial: baseLR, firstCycle: firstCycle,
                                                 cycleMultiplier: cycles == nil ? cycleMultiplier ?? 2 : 1, floor: floor / scale), .afterWarmup)
        case .linear:
            (inner, clock) = (LinearDecay(initial: baseLR, final: floor / scale, totalSteps: decaySteps), .afterWarmup)
        case .inverseSqrt:
            // τ = warmup steps: a₀ when warmup ends, a₀·√(W/t) after (the Transformer's form).
            (inner, clock) = (InverseSqrtDecay(initial: baseLR, timescale: max(1, warmupSteps)), .afterWarmup)
        case .poly:
            (inner, clock) = (PolynomialDecay(initial: baseLR, final: floor / scale, totalSteps: decaySteps, power: power ?? 0.9), .afterWarmup)
        case .oneCycle:
            guard total >= 2 else { throw ConfigError(field: "schedule.name", "one-cycle needs at least 2 steps") }
            return OneCycle(maxRate: baseLR * scale, totalSteps: total, pctStart: pctStart ?? 0.3)
        case .plateau:
            (inner, clock) = (ReduceOnPlateau(initial: baseLR, mode: monitor.mode, factor: plateauFactor ?? 0.1,
                                              patience: plateauPatience ?? 10, threshold: plateauThreshold ?? 1e-4,
                                              cooldown: plateauCooldown ?? 0, minRate: floor / scale), .shared)
        }
        if scaleWithBatch {
            return LinearScalingRule.schedule(inner, batchSize: batchSize, referenceBatchSize: reference, warmupSteps: warmupSteps, clock: clock)
        }
        guard warmupSteps > 0 else { return inner }
        return Warmup(steps: warmupSteps, shape: warmupShape, startFactor: warmupStartFactor ?? Warmup.defaultStartFactor,
                      clock: clock, wrapping: inner)
    }

    /// Steps per cycle when `cycles` equal cycles share `decaySteps` (the last one may be shorter).
    private func cycleLength(decaySteps: Int, cycles: Int) -> Int { max(1, (decaySteps + cycles - 1) / cycles) }

    /// The optimizer steps after which each of the `cycles` equal cycles ends (the
    /// last one at the end of the run): where snapshot ensembles take their snapshots.
    public func cycleEnds(epochs: Int, stepsPerEpoch: Int) -> [Int] {
        guard let cycles else { return [] }
        let total = epochs * stepsPerEpoch
        let warmup = Int(((warmupEpochs ?? 0) * Double(stepsPerEpoch)).rounded())
        let length = cycleLength(decaySteps: total - warmup, cycles: cycles)
        return (1..<cycles).map { min(total, warmup + $0 * length) } + [total]
    }
}

extension ScheduleConfig {
    /// The learning rate of every optimizer step of a run of `epochs` epochs, as
    /// training would use them (step t: the rate of the (t+1)-th update). A plateau
    /// schedule observes `metrics[e]` at the end of epoch e (none: it stays at `baseLR`).
    public func rates(baseLR: Float, epochs: Int, stepsPerEpoch: Int, batchSize: Int, metrics: [Double] = []) throws -> [Float] {
        let resolved = self.resolved(epochs: epochs)
        try resolved.validate()
        var schedule = try resolved.makeSchedule(baseLR: baseLR, epochs: epochs, stepsPerEpoch: stepsPerEpoch, batchSize: batchSize)
        // In training order, so a plateau sees its metrics at epoch ends.
        return (0..<(epochs * stepsPerEpoch)).map { step in
            let rate = schedule.lr(step)
            if (step + 1) % stepsPerEpoch == 0, schedule.monitorsMetric {
                let epoch = (step + 1) / stepsPerEpoch - 1
                if epoch < metrics.count { schedule.observe(metric: metrics[epoch], step: step + 1) }
            }
            return rate
        }
    }

    /// Draws a schedule's rates (one per step, from `rates`) as a PNG line plot.
    public static func plot(_ rates: [Float], name: ScheduleKind, to path: String) throws {
        var plot = LinePlot(rates.map(Double.init))
        plot.yIncludesZero = true
        plot.title = "learning rate (\(name.rawValue))"
        plot.xLabel = "step"
        try plot.write(to: path)
    }
}
