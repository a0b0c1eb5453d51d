/// Reduce-on-plateau (PyTorch's `ReduceLROnPlateau`): fed a metric at each epoch
/// end, it multiplies the rate by `factor` once the metric has not improved by
/// more than `threshold` for more than `patience` epochs, then waits `cooldown`
/// epochs before counting again, never going below `minRate`. Its rate does not
/// depend on the step, so wrapping it in `Warmup` just ramps whatever rate it
/// has reached. All its memory is in `current`, which `state` exposes.
public struct ReduceOnPlateau: LearningRateSchedule {
    /// What a resume needs: the rate reached, the best metric, and the counters.
    public struct State: Codable, Equatable, Sendable {
        /// The learning rate reached so far (the schedule's initial rate until a reduction).
        public var rate: Double
        /// Nil until the first metric (JSON has no infinity to start from).
        public var best: Double?
        /// Epochs since the last improvement (reset by a reduction and in cooldown).
        public var badEpochs: Int
        /// Epochs of cooldown left.
        public var cooldownLeft: Int
        /// How many times the rate has been reduced.
        public var reductions: Int

        /// A state at `rate`; the other values default to "nothing seen yet".
        public init(rate: Double, best: Double? = nil, badEpochs: Int = 0, cooldownLeft: Int = 0, reductions: Int = 0) {
            self.rate = rate
            self.best = best
            self.badEpochs = badEpochs
            self.cooldownLeft = cooldownLeft
            self.reductions = reductions
        }
    }

    /// Whether the metric should fall (`.min`, a loss; the default) or rise (`.max`, an accuracy).
    public let mode: MonitorMode
    /// What a reduction multiplies the rate by, in (0, 1) (default 0.1).
    public let factor: Double
    /// Epochs without improvement tolerated: the rate drops after `patience + 1`
    /// such epochs in a row (default 10).
    public let patience: Int
    /// How much the metric must beat the best by to count as an improvement,
    /// read as `thresholdMode` says (default 1e-4).
    public let threshold: Double
    /// Whether `threshold` is a fraction of |best| (`.relative`, the default) or an
    /// absolute amount.
    public let thresholdMode: MonitorMode.Threshold
    /// Epochs after a reduction during which bad epochs are not counted (default 0).
    public let cooldown: Int
    /// The lowest rate a reduction may reach (default 0).
    public let minRate: Double
    /// Reductions smaller than this are skipped (PyTorch's `eps`).
    public let eps: Double
    /// The rate, best metric and counters so far: what `state` saves.
    public private(set) var current: State

    /// PyTorch's defaults: factor 0.1, patience 10, relative threshold 1e-4, no cooldown.
    public init(initial: Float, mode: MonitorMode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: MonitorMode.Threshold = .relative,
                cooldown: Int = 0, minRate: Float = 0, eps: Double = 1e-8) {
        precondition(initial >= 0 && initial.isFinite, "ReduceOnPlateau: initial rate must be finite and ≥ 0, got \(initial)")
        precondition(factor > 0 && factor < 1, "ReduceOnPlateau: factor must be in (0, 1), got \(factor)")
        precondition(patience >= 0, "ReduceOnPlateau: patience must be ≥ 0, got \(patience)")
        precondition(threshold >= 0, "ReduceOnPlateau: threshold must be ≥ 0, got \(threshold)")
        precondition(cooldown >= 0, "ReduceOnPlateau: cooldown must be ≥ 0, got \(cooldown)")
        precondition(minRate >= 0, "ReduceOnPlateau: minRate must be ≥ 0, got \(minRate)")
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minRate = Double(minRate)
        self.eps = eps
        self.current = State(rate: Double(initial))
    }

    /// The current rate, whatever the step: it only changes in `observe(metric:step:)`.
    public func lr(_ step: Int) -> Float { Float(current.rate) }

    /// Always true: the rate depends on the metrics fed in.
    public var monitorsMetric: Bool { true }

    /// One epoch's metric, PyTorch's order: improvement check, cooldown, reduction.
    public mutating func observe(metric: Double, step: Int) {
        if mode.isImprovement(metric, over: current.best, threshold: threshold, thresholdMode: thresholdMode) {
            current.best = metric
            current.badEpochs = 0
        } else {
            current.badEpochs += 1
        }
        if current.cooldownLeft > 0 {
            current.cooldownLeft -= 1
            current.badEpochs = 0
        }
        if current.badEpochs > patience {
            let reduced = max(current.rate * factor, minRate)
            if current.rate - reduced > eps {
                current.rate = reduced
                current.reductions += 1
            }
            current.cooldownLeft = cooldown
            current.badEpochs = 0
        }
    }

    /// `current`, as `.plateau`.
    public var state: ScheduleState { .plateau(current) }

    /// Replaces `current` from a `.plateau` state; throws `ScheduleStateMismatch`
    /// for any other.
    public mutating func restore(_ state: ScheduleState) throws {
        guard case .plateau(let saved) = state else { throw ScheduleStateMismatch(expected: "ReduceOnPlateau's state", found: state) }
        current = saved
    }
}
