/// Whether a monitored metric should go down (loss) or up (accuracy).
public enum MonitorMode: String, Codable, Sendable, CaseIterable {
    /// `min`: lower is better (a loss); `max`: higher is better (an accuracy).
    case min, max

    /// How a threshold is read: a fraction of |best| or an absolute amount.
    public enum Threshold: String, Codable, Sendable, CaseIterable {
        /// `relative`: a fraction of |best|; `absolute`: an amount in the metric's own units.
        case relative, absolute
    }

    /// Whether `value` beats `best` by more than `threshold`. A nil `best` (nothing
    /// seen yet) is beaten by any non-NaN value; NaN never improves. Relative
    /// thresholds use |best|, PyTorch's rule for positive metrics that also works
    /// for negative ones.
    public func isImprovement(_ value: Double, over best: Double?, threshold: Double = 0,
                              thresholdMode: Threshold = .absolute) -> Bool {
        guard !value.isNaN else { return false }
        guard let best else { return true }
        let margin = thresholdMode == .relative ? threshold * abs(best) : threshold
        switch self {
        case .min: return value < best - margin
        case .max: return value > best + margin
        }
    }
}
