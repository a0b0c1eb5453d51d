import AnnealTraining
import Foundation

/// The notes' rule of thumb on a `LayerWatch`'s update/weight ratios: ‖Δw‖/‖w‖ per
/// step should sit near 1e-3. Far above (1e-2) the learning rate is too high, far
/// below (1e-4) too low. Judged on the median over the layers at each watched step,
/// and only when that holds for most (over half) of the watched steps.
public enum UpdateRatioDiagnosis {
    public static let target = 1e-3, high = 1e-2, low = 1e-4

    /// Each watched step's median ratio over its layers, in step order.
    public static func medians(_ records: [LayerWatch.Record]) -> [(step: Int, median: Double)] {
        Dictionary(grouping: records.filter { $0.updateRatio != nil }, by: \.step).sorted { $0.key < $1.key }.map { step, rows in
            let sorted = rows.compactMap(\.updateRatio).sorted()
            return (step, sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2)
        }
    }

    public static func findings(_ records: [LayerWatch.Record]) -> [CurveDiagnosis.Finding] {
        let medians = medians(records)
        guard !medians.isEmpty else { return [] }
        let layers = Set(records.filter { $0.updateRatio != nil }.map(\.layer)).count
        let values = medians.map(\.median).sorted()
        let overall = values[values.count / 2]
        func g(_ x: Double) -> String { String(format: "%.2g", x) }
        let steps = "of \(medians.count) watched steps (median \(g(overall)) over \(layers) layers; layers.csv); the notes aim for ~1e-3"
        let above = values.filter { !$0.isFinite || $0 > high }.count, below = values.filter { $0 < low }.count
        if 2 * above > values.count {
            return [.init(verdict: .learningRateTooHigh, evidence: "update/weight ratio ‖Δw‖/‖w‖ above 1e-2 at \(above) \(steps)",
                          remedy: "lower the learning rate about \(g(max(overall / target, 10)))× (or run 'anneal doctor' for a range test)")]
        }
        if 2 * below > values.count {
            return [.init(verdict: .learningRateTooLow, evidence: "update/weight ratio ‖Δw‖/‖w‖ below 1e-4 at \(below) \(steps)",
                          remedy: "raise the learning rate about \(g(max(target / max(overall, 1e-30), 10)))× (or run 'anneal doctor' for a range test)")]
        }
        return []
    }
}
