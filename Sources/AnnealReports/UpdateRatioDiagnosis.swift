import AnnealTraining
import Foundation

/// The notes' rule of thumb on a `LayerWatch`'s update/weight ratios: ‖Δw‖/‖w‖ per
/// step should sit near 1e-3. Far above (1e-2) the learning rate is too high, far
/// below (1e-4) too low. Judged on the median over the layers at each watched step,
/// and only when that holds for most (over half) of the watched steps.
public enum UpdateRatioDiagnosis {
    /// The ratio ‖Δw‖/‖w‖ per step aimed for (1e-3), and the bounds above (1e-2) and
    /// below (1e-4) which the learning rate counts as too high or too low.
    public static let target = 1e-3, high = 1e-2, low = 1e-4

    /// Each watched step's median ratio over its layers, in step order.
    public static func medians(_ records: [LayerWatch.Record]) -> [(step: Int, median: Double)] {
        Dictionary(grouping: records.filter { $0.updateRatio != nil }, by: \.step).sorted { $0.key < $1.key }.map { step, rows in
            let sorted = rows.compactMap(\.updateRatio).sorted()
            return (step, sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2)
        }
    }

    /// Judged on the watched steps whose gradients were not all zero: once the units
    /// have died (a learning rate far too high kills ReLUs), only weight decay moves
    /// the weights, and its ratio says nothing of the learning rate.
    public static func findings(_ records: [LayerWatch.Record]) -> [CurveDiagnosis.Finding] {
        let gradient = Dictionary(grouping: records.compactMap { r in r.gradientNorm.map { (r.step, $0) } }, by: \.0).mapValues { $0.map(\.1).max() ?? 0 }
        let all = medians(records)
        let live = all.filter { gradient[$0.step].map { $0 > 0 } ?? true }
        guard !live.isEmpty else {
            return all.isEmpty ? [] : [.init(verdict: .learningRateTooHigh, evidence: "every weight gradient was zero at all \(all.count) watched steps (layers.csv): the units are dead",
                                            remedy: "lower the learning rate 10× or more, check the initialization ('anneal doctor')")]
        }
        let layers = Set(records.filter { $0.updateRatio != nil }.map(\.layer)).count
        let values = live.map(\.median).sorted()
        let overall = values[values.count / 2]
        func g(_ x: Double) -> String { String(format: "%.2g", x) }
        // The last stretch of watched steps with zero gradients, when training ended in it.
        let deadFrom = all.reversed().prefix { (gradient[$0.step] ?? 1) == 0 }.last?.step
        let dead = deadFrom.map { "; from step \($0) on every gradient was zero (the units died)" } ?? ""
        let steps = "of \(live.count) watched steps with gradients (median \(g(overall)) over \(layers) layers; layers.csv)\(dead); the notes aim for ~1e-3"
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
