/// The one-cycle policy (Smith & Topin 2019) with PyTorch `OneCycleLR`'s defaults:
/// from max/`divFactor` up to `maxRate` over the first `pctStart` of the steps,
/// then down to max/(`divFactor`·`finalDivFactor`); `threePhase` goes back to the
/// start rate before the final descent. The rise is its warmup, so it needs no
/// `Warmup` around it. (PyTorch also cycles momentum; this only schedules the rate.)
public struct OneCycle: LearningRateSchedule {
    /// How the rate moves between a phase's start and end rates.
    public enum Annealing: String, Sendable, CaseIterable {
        /// `cosine`: half a cosine (PyTorch's default); `linear`: a straight line.
        case cosine, linear
    }

    /// The peak rate, reached at the end of the rise.
    public let maxRate: Float
    /// Optimizer steps in the whole cycle (at least 2).
    public let totalSteps: Int
    /// Fraction of `totalSteps` spent rising, in (0, 1) (default 0.3).
    public let pctStart: Double
    /// The curve within each phase (default `.cosine`).
    public let annealing: Annealing
    /// The start rate is `maxRate / divFactor` (default 25).
    public let divFactor: Double
    /// The final rate is the start rate divided by this (default 1e4).
    public let finalDivFactor: Double
    /// Whether the rate comes back down to the start rate over as many steps as
    /// it rose before the final descent (PyTorch's `three_phase`).
    public let threePhase: Bool

    /// A one-cycle schedule over `totalSteps` optimizer steps peaking at `maxRate`,
    /// with PyTorch `OneCycleLR`'s defaults.
    public init(maxRate: Float, totalSteps: Int, pctStart: Double = 0.3, annealing: Annealing = .cosine,
                divFactor: Double = 25, finalDivFactor: Double = 1e4, threePhase: Bool = false) {
        precondition(maxRate >= 0 && maxRate.isFinite, "OneCycle: maxRate must be finite and ≥ 0, got \(maxRate)")
        precondition(totalSteps > 1, "OneCycle: totalSteps must be at least 2, got \(totalSteps)")
        precondition(pctStart > 0 && pctStart < 1, "OneCycle: pctStart must be in (0, 1), got \(pctStart)")
        precondition(divFactor > 0 && finalDivFactor > 0, "OneCycle: divFactor and finalDivFactor must be positive")
        self.maxRate = maxRate
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.annealing = annealing
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.threePhase = threePhase
    }

    /// The rate at step 0: `maxRate / divFactor`.
    public var initialRate: Double { Double(maxRate) / divFactor }
    /// The rate at the last step and after: `initialRate / finalDivFactor`.
    public var finalRate: Double { initialRate / finalDivFactor }

    /// (last step of the phase, start rate, end rate), as PyTorch lays them out
    /// (fractional step boundaries included).
    private var phases: [(last: Double, from: Double, to: Double)] {
        let rise = pctStart * Double(totalSteps) - 1, last = Double(totalSteps - 1)
        if threePhase {
            return [(rise, initialRate, Double(maxRate)), (2 * pctStart * Double(totalSteps) - 2, Double(maxRate), initialRate),
                    (last, initialRate, finalRate)]
        }
        return [(rise, initialRate, Double(maxRate)), (last, Double(maxRate), finalRate)]
    }

    /// Steps past the end stay at the final rate (PyTorch raises instead).
    public func lr(_ step: Int) -> Float {
        let t = Double(min(max(0, step), totalSteps - 1))
        var phaseStart = 0.0
        let phases = self.phases
        for (i, phase) in phases.enumerated() {
            if t <= phase.last || i == phases.count - 1 {
                let span = phase.last - phaseStart
                let fraction = span > 0 ? min(1, (t - phaseStart) / span) : 1
                switch annealing {
                case .cosine: return Float(CosineDecay.anneal(from: phase.from, to: phase.to, fraction: fraction))
                case .linear: return Float(phase.from + (phase.to - phase.from) * fraction)
                }
            }
            phaseStart = phase.last
        }
        return Float(finalRate)
    }
}
