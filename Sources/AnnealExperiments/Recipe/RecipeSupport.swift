import AnnealData
import AnnealDistributed
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// Shared pieces of the recipe checks (anneal doctor).
public enum RecipeSupport {
    /// A deep copy of every parameter and buffer, to restore after a check that trains.
    public static func snapshot(_ model: Module) -> [String: Tensor] {
        model.stateDict().mapValues { Tensor($0.scalars, shape: $0.shape) }
    }

    /// Loads a copy of `state` (from `snapshot(_:)`) back into `model`; throws when it does not fit the model.
    public static func restore(_ model: Module, from state: [String: Tensor]) throws {
        try model.loadStateDict(state.mapValues { Tensor($0.scalars, shape: $0.shape) })
    }

    /// The first `k` samples as one batch (stratified: cycling through the classes when possible).
    public static func smallSample(_ dataset: any Dataset, k: Int) -> Batch {
        var byClass: [Int: [Int]] = [:]
        for i in 0..<dataset.count { byClass[dataset.label(at: i), default: []].append(i) }
        let classes = byClass.keys.sorted()
        var chosen: [Int] = [], round = 0
        while chosen.count < min(k, dataset.count) {
            for c in classes where chosen.count < min(k, dataset.count) {
                if round < byClass[c]!.count { chosen.append(byClass[c]![round]) }
            }
            round += 1
        }
        return DataLoader(dataset, batchSize: max(1, chosen.count)).makeBatch(indices: chosen, epoch: 0)
    }

    static func format(_ x: Double) -> String { String(format: "%.4g", x) }
}
