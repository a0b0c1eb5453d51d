import Anneal
import ArgumentParser

// The library's choices, as command-line values (valid values listed in --help and in errors).
extension ModelPreset: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
extension ScheduleKind: ExpressibleByArgument {}
extension PipelineSchedule: ExpressibleByArgument {}
extension Activation: ExpressibleByArgument {}
extension InitializerChoice: ExpressibleByArgument {}
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

/// An image size "HxW", or "S" for S×S: `[height, width]`.
func parseImageSize(_ text: String, option: String) throws -> [Int] {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
    guard (1...2).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! > 0 }) else {
        throw ValidationError("\(option): '\(text)' is not a size HxW (e.g. 32x32) or S")
    }
    return parts.count == 1 ? [parts[0]!, parts[0]!] : parts.map { $0! }
}

/// Class numbers as listed: "5-9", "0,2,4", "0-2,7" (ranges inclusive, order kept).
func parseClasses(_ text: String, option: String) throws -> [Int] {
    var classes: [Int] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!, low >= 0, low <= high, high < 1 << 20 else {
            throw ValidationError("\(option): '\(part)' is not a class number or a range LOW-HIGH (e.g. 5-9 or 0,2,4)")
        }
        classes += Array(low...high)
    }
    return classes
}
