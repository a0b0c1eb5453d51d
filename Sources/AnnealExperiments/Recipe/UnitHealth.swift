import AnnealNN

/// The notes' unit checks on per-layer activation statistics, as findings that
/// name the layer, the measured figure and the remedy.
public enum UnitHealth {
    /// A layer is saturated when more than this fraction of its tanh/sigmoid outputs
    /// sit within 0.02 of the limits. There the derivative is below 0.04, so those
    /// units pass almost no gradient; unit-variance pre-activations saturate about
    /// 2 % of tanh units, 10 % means a pre-activation std near 1.4 or more.
    public static let saturationThreshold = 0.10
    /// Units that never fire over a batch: above this fraction a ReLU layer is dying.
    public static let deadThreshold = 0.5
    /// A zero-centred activation's |mean| above this many stds: most units share a
    /// sign, so the next layer's weight gradients do too (the notes' zig-zag).
    public static let offCentreThreshold = 0.5
    /// Activation std changing by more than this factor between the first and a later
    /// activation layer: collapsing (or exploding) with depth.
    public static let depthFactor = 100.0

    /// One unhealthy layer (or the depth trend): what was measured, and the remedy.
    public struct Issue: Sendable {
        /// The layer (or the depth trend) and the figure measured.
        public var evidence: String
        /// What to change.
        public var remedy: String
        /// "evidence; remedy."
        public var text: String { "\(evidence); \(remedy)." }
    }

    /// The findings as text lines.
    public static func findings(_ layers: [ActivationStatistics]) -> [String] { issues(layers).map(\.text) }

    /// The unhealthy layers among `layers` (saturated, off-centre, dying ReLUs), then an
    /// activation std that collapses or explodes with depth by more than `depthFactor`.
    public static func issues(_ layers: [ActivationStatistics]) -> [Issue] {
        let f = RecipeSupport.format
        var issues: [Issue] = []
        for layer in layers {
            if let saturated = layer.saturatedFraction, saturated > saturationThreshold {
                issues.append(Issue(evidence: "\(layer.name) (\(layer.kind)): \(f(saturated * 100)) % of the outputs saturated (within 0.02 of the limits, gradient < 0.04)",
                                    remedy: "use a smaller initialization (Xavier/LeCun), normalize the inputs or add batch norm, or use ReLU"))
            }
            if layer.isMeantToBeZeroCentred, layer.std > 0, abs(layer.mean) > offCentreThreshold * layer.std {
                issues.append(Issue(evidence: "\(layer.name) (\(layer.kind)): outputs not zero-centred (mean \(f(layer.mean)), std \(f(layer.std)))",
                                    remedy: "centre the inputs (--normalize), add batch norm, or lower the biases"))
            }
            if let dead = layer.deadFraction, dead > deadThreshold {
                issues.append(Issue(evidence: "\(layer.name) (\(layer.kind)): \(f(dead * 100)) % dead ReLUs (never positive over the batch)",
                                    remedy: "lower the learning rate or the bias, or use leaky ReLU / a different init"))
            }
        }
        let kinds: Set = ["ELU", "SELU", "GELU", "SiLU", "Softplus", "LeakyReLU", "PReLU"]
        let activations = layers.filter { $0.deadFraction != nil || $0.saturatedFraction != nil || kinds.contains($0.kind) }
        if let first = activations.first, first.std > 0, activations.count >= 2 {
            let later = activations.dropFirst()
            if let low = later.min(by: { $0.std < $1.std }), low.std < first.std / depthFactor {
                issues.append(Issue(evidence: "activations collapse with depth: std falls from \(f(first.std)) (\(first.name)) to \(f(low.std)) (\(low.name))",
                                    remedy: "the initialization is too small: use Kaiming (ReLU) or LeCun (SELU) scaling, or batch norm"))
            } else if let high = later.max(by: { $0.std < $1.std }), high.std > first.std * depthFactor {
                issues.append(Issue(evidence: "activations explode with depth: std grows from \(f(first.std)) (\(first.name)) to \(f(high.std)) (\(high.name))",
                                    remedy: "the initialization is too large: use Kaiming/Xavier scaling, or batch norm"))
            }
        }
        return issues
    }
}
