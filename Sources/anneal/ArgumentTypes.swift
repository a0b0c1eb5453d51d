import Anneal
import ArgumentParser

// The library's choices, as command-line values (valid values listed in --help and in errors).
extension ModelPreset: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension InitializerChoice: ExpressibleByArgument {}
extension DatasetName: ExpressibleByArgument {}
extension Preprocessing.Normalization: ExpressibleByArgument {}
extension Preprocessing.WhiteningMethod: ExpressibleByArgument {}
extension SmallCNN.Pooling: ExpressibleByArgument {}
extension TestTimeAugmentation: ExpressibleByArgument {}
extension MonitoredMetric: ExpressibleByArgument {}
extension Warmup.Shape: ExpressibleByArgument {}

/// "a, b, c" from an enum's values, for help texts.
func valueList<T: CaseIterable & RawRepresentable>(_ type: T.Type) -> String where T.RawValue == String {
    T.allCases.map(\.rawValue).joined(separator: ", ")
}

/// Comma-separated positive integers ("1024,512").
func parseSizes(_ text: String, option: String) throws -> [Int] {
    try text.split(separator: ",").map {
        guard let n = Int($0.trimmingCharacters(in: .whitespaces)), n > 0 else {
            throw ValidationError("\(option): '\($0)' is not a positive integer")
        }
        return n
    }
}
