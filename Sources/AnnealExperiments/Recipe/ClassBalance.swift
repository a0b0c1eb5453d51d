import AnnealData
import AnnealReports
import Foundation

/// Data health for the user's own data: training images per class next to per-class
/// accuracy. A class with far fewer images than the others, or a far lower accuracy,
/// becomes a finding with its remedies (`--class-weights balanced`, `--sampler
/// balanced`, more images or augmentation).
public struct ClassBalance: Sendable {
    /// One class.
    public struct Row: Sendable {
        /// The class's name (or "class N").
        public var name: String
        /// Training images of the class.
        public var trainingImages: Int
        /// On the evaluation set (nil: not measured, or no evaluation images of the class).
        public var accuracy: Double?
    }

    /// One row per class, in class order.
    public let rows: [Row]
    /// A class with fewer training images than this fraction of the median class's is under-represented.
    public static let fewImages = 0.2
    /// A class this many points (fraction) below the mean per-class accuracy is weak.
    public static let accuracyGap = 0.2

    /// Rows from each class's name, training images and accuracy (as a fraction; missing at the end: not measured).
    public init(names: [String], trainingImages: [Int], accuracies: [Double?] = []) {
        rows = names.indices.map { Row(name: names[$0], trainingImages: trainingImages[$0], accuracy: $0 < accuracies.count ? accuracies[$0] : nil) }
    }

    /// For `train`: its class names (numbers where it has none) and counts, and the accuracies given.
    public init(_ train: any Dataset, accuracies: [Double?] = []) {
        self.init(names: train.classNames ?? (0..<train.classCount).map { "class \($0)" }, trainingImages: train.classCounts, accuracies: accuracies)
    }

    /// The mean of the per-class accuracies measured (nil: none measured).
    public var meanAccuracy: Double? {
        let known = rows.compactMap(\.accuracy)
        return known.isEmpty ? nil : known.reduce(0, +) / Double(known.count)
    }

    /// Under-represented classes (below `fewImages` of the median class's images) and weak ones
    /// (`accuracyGap` below `meanAccuracy`), with remedies; empty for fewer than 2 classes.
    public var findings: [CurveDiagnosis.Finding] {
        let counts = rows.map(\.trainingImages).sorted()
        guard rows.count >= 2, let median = Optional(Double(counts[counts.count / 2])), median > 0 else { return [] }
        let mean = meanAccuracy
        func percent(_ x: Double?) -> String { x.map { String(format: "%.1f %%", $0 * 100) } ?? "–" }
        let accuracyText = { (row: Row) in mean.map { " (accuracy \(percent(row.accuracy)); mean per class \(percent($0)))" } ?? "" }
        let balance = "--class-weights balanced or --sampler balanced; more images of it, or augmentation"
        var findings: [CurveDiagnosis.Finding] = []
        for row in rows {
            if Double(row.trainingImages) < Self.fewImages * median {
                findings.append(.init(verdict: .smallClass,
                                      evidence: "\(row.name) has \(row.trainingImages) training images, 1/\(Int((median / Double(max(row.trainingImages, 1))).rounded())) of the median class's \(Int(median))\(accuracyText(row))",
                                      remedy: balance))
            } else if let accuracy = row.accuracy, let mean, accuracy < mean - Self.accuracyGap {
                findings.append(.init(verdict: .weakClass,
                                      evidence: "\(row.name): accuracy \(percent(accuracy)), \(Int(((mean - accuracy) * 100).rounded())) points below the mean per class (\(percent(mean)))",
                                      remedy: "see what it is taken for (report.html's confusion matrix); more or cleaner images of it; --class-weights balanced"))
            }
        }
        return findings
    }

    /// "class  images  accuracy" lines.
    public var lines: [String] {
        let width = max(5, rows.map(\.name.count).max() ?? 0)
        return ["class".padding(toLength: width, withPad: " ", startingAt: 0) + "  training images  accuracy"] + rows.map { row in
            row.name.padding(toLength: width, withPad: " ", startingAt: 0) + String(format: "  %15d  ", row.trainingImages)
                + (row.accuracy.map { String(format: "%7.2f %%", $0 * 100) } ?? "      –")
        }
    }
}
