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
