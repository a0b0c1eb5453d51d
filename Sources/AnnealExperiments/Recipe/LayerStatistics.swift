import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// Step 4 of the recipe: per-layer statistics at initialization, for any model
/// (`LayerProbe`: a ResNet's stem, blocks and the layers inside them, fused ReLUs
/// included). Each layer's output mean and std, the fraction of dead ReLU units
/// and of saturated tanh/sigmoid units, and the gradient norm of every weight
/// matrix or kernel; `UnitHealth` turns them into findings with remedies.
public struct LayerStatistics: Sendable {
    /// One layer's output statistics and, where it has a weight matrix or kernel, its norms.
    public struct Layer: Sendable {
        /// The statistics of the layer's output over the batch.
        public var activation: ActivationStatistics
        /// L2 norm of the layer's weight gradient (layers with a weight of ≥ 2 dimensions).
        public var gradientNorm: Double?
        /// L2 norm of the layer's weight (same layers as `gradientNorm`).
        public var weightNorm: Double?

        /// The layer's dotted module name (`NAME+relu` for a fused ReLU).
        public var name: String { activation.name }
        /// The layer's type (`Conv2d`, `Tanh`, `ReLU (fused)` …).
        public var kind: String { activation.kind }
        /// Mean of all the output's values.
        public var activationMean: Double { activation.mean }
        /// Population standard deviation of the output's values.
        public var activationStd: Double { activation.std }
        /// Fraction of ReLU units never positive over the batch (nil: not a ReLU).
        public var deadFraction: Double? { activation.deadFraction }
        /// Fraction of tanh or sigmoid outputs within 0.02 of the limits (nil: neither).
        public var saturatedFraction: Double? { activation.saturatedFraction }
    }

    /// Every probed layer, in the order the forward pass reaches them.
    public var layers: [Layer]
    /// Unhealthy units, the depth trend and the gradient balance in words, with remedies.
    public var findings: [String]

    /// One forward and backward pass of `batch` in training mode; the gradients are cleared afterwards.
    public static func run(model: Module, batch: Batch, preprocessing: (Tensor) -> Tensor = { $0 },
                           lossFunction: (Tensor, Batch) -> Tensor = { crossEntropy($0, labels: $1.labels) }) -> LayerStatistics {
        model.train()
        model.zeroGrad()
        let (logits, rows) = LayerProbe.measure(model) { model(preprocessing(batch.inputs)) }
        lossFunction(logits, batch).backward()
        let weights = Dictionary(model.namedParameters().filter { $0.name.hasSuffix("weight") && $0.parameter.shape.count >= 2 }
                                    .map { (String($0.name.dropLast("weight".count + 1)), $0.parameter) }, uniquingKeysWith: { a, _ in a })
        func norm(_ t: Tensor) -> Double { t.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
        let layers = rows.map { row in
            let weight = weights[row.name]
            return Layer(activation: row, gradientNorm: weight?.grad.map(norm), weightNorm: weight.map { norm($0.value) })
        }
        model.zeroGrad()
        return LayerStatistics(layers: layers, findings: UnitHealth.findings(layers.map(\.activation))
                               + gradientFindings(layers.compactMap { l in l.gradientNorm.map { (l.name, $0) } }))
    }

    /// Vanishing or exploding gradients: the first weight's gradient norm against the last's.
    static func gradientFindings(_ norms: [(name: String, norm: Double)]) -> [String] {
        let f = RecipeSupport.format
        guard let first = norms.first, let last = norms.last, norms.count >= 2 else { return [] }
        let ratio = first.norm / max(last.norm, 1e-30)
        if first.norm < 1e-7 || ratio < 1e-2 {
            return ["vanishing gradients: the first layer's gradient norm \(f(first.norm)) is \(f(ratio))× the last layer's (\(f(last.norm))); use Kaiming init, batch norm or residual connections."]
        } else if ratio > 1e2 || !first.norm.isFinite {
            return ["exploding gradients: the first layer's gradient norm \(f(first.norm)) is \(f(ratio))× the last layer's (\(f(last.norm))); use a smaller init scale, batch norm or gradient clipping."]
        }
        return ["gradient norms per layer are balanced (first/last = \(f(ratio)))."]
    }
}

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
