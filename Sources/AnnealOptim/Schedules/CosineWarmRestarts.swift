/// Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017; PyTorch's
/// `CosineAnnealingWarmRestarts`): cosine from a₀ to `floor` over a cycle of T_i
/// steps, then back to a₀; cycles grow as T_i = T₀·T_multⁱ.
public struct CosineWarmRestarts: LearningRateSchedule {
    /// a₀, the rate at the start of every cycle.
    public let initial: Float
    /// T₀: steps in the first cycle.
    public let firstCycle: Int
    /// T_mult: each cycle is this many times longer than the one before.
    public let cycleMultiplier: Int
    /// The rate each cycle anneals towards (default 0), approached just before
    /// the restart.
    public let floor: Float

    /// Cycles of `firstCycle` (positive) optimizer steps, each `cycleMultiplier`
    /// (≥ 1) times longer than the one before, annealing from `initial` to `floor`.
    public init(initial: Float, firstCycle: Int, cycleMultiplier: Int = 1, floor: Float = 0) {
        precondition(initial >= 0 && initial.isFinite, "CosineWarmRestarts: initial rate must be finite and ≥ 0, got \(initial)")
        precondition(firstCycle > 0, "CosineWarmRestarts: firstCycle (T₀) must be positive, got \(firstCycle)")
        precondition(cycleMultiplier >= 1, "CosineWarmRestarts: cycleMultiplier (T_mult) must be ≥ 1, got \(cycleMultiplier)")
        precondition(floor >= 0 && floor <= initial, "CosineWarmRestarts: floor must be in 0...\(initial), got \(floor)")
        self.initial = initial
        self.firstCycle = firstCycle
        self.cycleMultiplier = cycleMultiplier
        self.floor = floor
    }

    /// (steps into the current cycle, that cycle's length) at `step`.
    public func position(at step: Int) -> (offset: Int, length: Int) {
        var t = max(0, step), length = firstCycle
        if cycleMultiplier == 1 { return (t % length, length) }
        // Cycles grow geometrically, so this loop runs O(log step) times.
        while t >= length {
            t -= length
            let (next, overflow) = length.multipliedReportingOverflow(by: cycleMultiplier)
            if overflow { break }
            length = next
        }
        return (t, length)
    }

    /// The rate of `step`: the cosine from `initial` to `floor` at its position in
    /// the current cycle (negative steps count as 0).
    public func lr(_ step: Int) -> Float {
        let (offset, length) = position(at: step)
        return Float(CosineDecay.anneal(from: Double(initial), to: Double(floor), fraction: Double(offset) / Double(length)))
    }
}
