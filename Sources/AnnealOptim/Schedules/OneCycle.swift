/// The one-cycle policy (Smith & Topin 2019) with PyTorch `OneCycleLR`'s defaults:
/// from max/`divFactor` up to `maxRate` over the first `pctStart` of the steps,
/// then down to max/(`divFactor`·`finalDivFactor`); `threePhase` goes back to the
/// start rate before the final descent. The rise is its warmup, so it needs no
/// `Warmup` around it. (PyTorch also cycles momentum; this only schedules the rate.)
public struct OneCycle: LearningRateSchedule {
    public enum Annealing: String, Sendable, CaseIterable {
        case cosine, linear
    }

    public let maxRate: Float
    public let totalSteps: Int
    public let pctStart: Double
    public let annealing: Annealing
    public let divFactor: Double
    public let finalDivFactor: Double
    public let threePhase: Bool

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

    public var initialRate: Double { Double(maxRate) / divFactor }
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
