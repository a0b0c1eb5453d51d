import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// Step 4 of the recipe: per-layer statistics at initialization. For a Sequential
/// model (nested Sequentials flattened) the activations after every layer: mean,
/// std and the fraction of dead units (never positive over the batch) after
/// ReLUs; for every parameterized layer the gradient norm of its weights.
/// Vanishing or exploding gradients and collapsing activations are named.
public struct LayerStatistics: Sendable {
    public struct Layer: Sendable {
        public var name: String
        public var kind: String
        public var activationMean: Double
        public var activationStd: Double
        public var deadFraction: Double?
        public var gradientNorm: Double?
        public var weightNorm: Double?
    }

    public var layers: [Layer]
    public var findings: [String]

    public static func run(model: Module, batch: Batch, preprocessing: (Tensor) -> Tensor = { $0 },
                           lossFunction: (Tensor, Batch) -> Tensor = { crossEntropy($0, labels: $1.labels) }) -> LayerStatistics {
        model.train()
        model.zeroGrad()
        var layers: [Layer] = []
        var parameterized: [(index: Int, parameter: Parameter)] = []
        func flatten(_ m: Module, _ prefix: String) -> [(String, Module)] {
            if let s = m as? Sequential {
                return s.layers.enumerated().flatMap { flatten($0.element, prefix.isEmpty ? "\($0.offset)" : "\(prefix).\($0.offset)") }
            }
            return [(prefix.isEmpty ? "model" : prefix, m)]
        }
        let sequence = flatten(model, "")
        var x = preprocessing(batch.inputs)
        for (name, layer) in sequence {
            x = layer(x)
            let values = x.scalars.map(Double.init)
            let n = Double(max(values.count, 1))
            let mean = values.reduce(0, +) / n
            let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
            var dead: Double? = nil
            let kind = String(describing: type(of: layer))
            if layer is ReLU, x.shape.count >= 2 {
                let rows = x.shape[0], width = x.count / max(rows, 1)
                var alive = [Bool](repeating: false, count: width)
                for r in 0..<rows { for c in 0..<width where values[r * width + c] > 0 { alive[c] = true } }
                dead = Double(alive.filter { !$0 }.count) / Double(max(width, 1))
            }
            if let weight = layer.namedParameters().first(where: { $0.name.hasSuffix("weight") && $0.parameter.shape.count >= 2 })?.parameter {
                parameterized.append((layers.count, weight))
            }
            layers.append(Layer(name: name, kind: kind, activationMean: mean, activationStd: std, deadFraction: dead))
        }
        let loss = lossFunction(x, batch)
        loss.backward()
        for (index, weight) in parameterized {
            layers[index].gradientNorm = weight.grad.map { Double($0.scalars.reduce(0) { $0 + $1 * $1 }).squareRoot() }
            layers[index].weightNorm = Double(weight.value.scalars.reduce(0) { $0 + $1 * $1 }).squareRoot()
        }
        model.zeroGrad()

        let f = RecipeSupport.format
        var findings: [String] = []
        for layer in layers {
            if let dead = layer.deadFraction, dead > 0.5 {
                findings.append("\(layer.name) (\(layer.kind)): \(f(dead * 100)) % dead ReLUs at initialization; lower the bias or use leaky ReLU / a different init.")
            }
        }
        let norms = layers.compactMap { l in l.gradientNorm.map { (l.name, $0) } }
        if let first = norms.first, let last = norms.last, norms.count >= 2 {
            let ratio = first.1 / max(last.1, 1e-30)
            if first.1 < 1e-7 || ratio < 1e-2 {
                findings.append("vanishing gradients: the first layer's gradient norm \(f(first.1)) is \(f(ratio))× the last layer's (\(f(last.1))); use Kaiming init, batch norm or residual connections.")
            } else if ratio > 1e2 || !first.1.isFinite {
                findings.append("exploding gradients: the first layer's gradient norm \(f(first.1)) is \(f(ratio))× the last layer's (\(f(last.1))); use a smaller init scale, batch norm or gradient clipping.")
            } else {
                findings.append("gradient norms per layer are balanced (first/last = \(f(ratio))).")
            }
        }
        let activationStds = layers.filter { $0.kind != "Flatten" && !$0.kind.contains("Pool") }.map(\.activationStd)
        if let first = activationStds.first, let minStd = activationStds.dropLast().min(), first > 0, minStd < 0.01 * first {
            findings.append("activations collapse: std falls from \(f(first)) to \(f(minStd)) through the layers; the initialization is too small.")
        }
        if norms.isEmpty { findings.append("per-layer statistics need a Sequential model; only the loss was checked.") }
        return LayerStatistics(layers: layers, findings: findings)
    }
}
