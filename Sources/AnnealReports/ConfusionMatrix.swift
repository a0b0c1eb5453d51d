import AnnealIO
import AnnealTensor
import AnnealTraining
import Foundation

/// Counts of (true class, predicted class) over an evaluation set, with per-class
/// accuracy; drawn as a PNG for TensorBoard and as SVG for the HTML report.
public struct ConfusionMatrix: Sendable, Equatable {
    /// counts[true][predicted].
    public let counts: [[Int]]
    /// The number of classes (rows and columns).
    public var classes: Int { counts.count }

    /// Counts the (label, prediction) pairs; pairs with a class outside `0..<classes` are
    /// left out. `predictions` and `labels` must have the same length.
    public init(predictions: [Int], labels: [Int], classes: Int) {
        precondition(predictions.count == labels.count, "ConfusionMatrix: \(predictions.count) predictions for \(labels.count) labels")
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (p, t) in zip(predictions, labels) where (0..<classes).contains(p) && (0..<classes).contains(t) { counts[t][p] += 1 }
        self.counts = counts
    }

    /// From a model's scores [N, classes] (logits or probabilities) and the true labels.
    public init(scores: Tensor, labels: [Int]) {
        self.init(predictions: scores.argmax(axis: 1), labels: labels, classes: scores.shape[1])
    }

    /// Fraction of each class's samples predicted right (nil for a class without samples).
    public var perClassAccuracy: [Double?] {
        counts.enumerated().map { c, row in
            let total = row.reduce(0, +)
            return total == 0 ? nil : Double(row[c]) / Double(total)
        }
    }

    /// Cells shaded by the fraction of their row (white 0 → blue 1), `cell` pixels square.
    public func png(cell: Int = 24) -> Bitmap {
        let size = classes * cell
        var pixels = [UInt8](repeating: 255, count: size * size * 3)
        for t in 0..<classes {
            let total = max(1, counts[t].reduce(0, +))
            for p in 0..<classes {
                let (r, g, b) = Self.shade(Double(counts[t][p]) / Double(total))
                for y in t * cell..<(t + 1) * cell - 1 {
                    for x in p * cell..<(p + 1) * cell - 1 {
                        let i = (y * size + x) * 3
                        pixels[i] = r; pixels[i + 1] = g; pixels[i + 2] = b
                    }
                }
            }
        }
        return Bitmap(width: size, height: size, channels: 3, pixels: pixels)
    }

    /// A table-like SVG: rows are true classes, columns predictions, each cell its count.
    public func svg(names: [String]? = nil, cell: Int = 44) -> String {
        let margin = 110, size = classes * cell
        func name(_ c: Int) -> String { xmlEscaped(names.map { $0[c] } ?? String(c)) }
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"confusion\" width=\"\(margin + size + 70)\" height=\"\(margin + size + 10)\" font-family=\"sans-serif\" font-size=\"11\">",
                   "<text x=\"\(margin + size / 2)\" y=\"14\" text-anchor=\"middle\" font-weight=\"bold\">predicted</text>",
                   "<text x=\"12\" y=\"\(margin + size / 2)\" text-anchor=\"middle\" font-weight=\"bold\" transform=\"rotate(-90 12 \(margin + size / 2))\">true</text>"]
        for c in 0..<classes {
            out.append("<text x=\"\(margin + c * cell + cell / 2)\" y=\"\(margin - 8)\" text-anchor=\"start\" transform=\"rotate(-45 \(margin + c * cell + cell / 2) \(margin - 8))\">\(name(c))</text>")
            out.append("<text x=\"\(margin - 6)\" y=\"\(margin + c * cell + cell / 2 + 4)\" text-anchor=\"end\">\(name(c))</text>")
        }
        for t in 0..<classes {
            let total = max(1, counts[t].reduce(0, +))
            for p in 0..<classes {
                let fraction = Double(counts[t][p]) / Double(total)
                let (r, g, b) = Self.shade(fraction)
                out.append("<rect x=\"\(margin + p * cell)\" y=\"\(margin + t * cell)\" width=\"\(cell - 1)\" height=\"\(cell - 1)\" fill=\"rgb(\(r),\(g),\(b))\"/>")
                out.append("<text x=\"\(margin + p * cell + cell / 2)\" y=\"\(margin + t * cell + cell / 2 + 4)\" text-anchor=\"middle\" fill=\"\(fraction > 0.5 ? "white" : "black")\">\(counts[t][p])</text>")
            }
        }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }

    static func shade(_ fraction: Double) -> (UInt8, UInt8, UInt8) {
        let f = min(max(fraction, 0), 1).squareRoot()
        return (UInt8(255 - f * (255 - 31)), UInt8(255 - f * (255 - 119)), UInt8(255 - f * (255 - 180)))
    }
}
