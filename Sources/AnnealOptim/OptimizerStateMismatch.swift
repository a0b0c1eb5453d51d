/// Why a saved optimizer state does not fit an optimizer: every unknown key,
/// missing key, shape mismatch and bad value, named, so nothing is half-loaded.
public struct OptimizerStateMismatch: Error, CustomStringConvertible {
    public var unknown: [String] = []
    public var missing: [String] = []
    public var shapeMismatches: [(key: String, expected: [Int], found: [Int])] = []
    public var invalidValues: [String] = []

    public var isEmpty: Bool {
        unknown.isEmpty && missing.isEmpty && shapeMismatches.isEmpty && invalidValues.isEmpty
    }

    public var description: String {
        var parts: [String] = []
        if !unknown.isEmpty { parts.append("unknown keys: \(unknown.joined(separator: ", "))") }
        if !missing.isEmpty { parts.append("missing keys: \(missing.joined(separator: ", "))") }
        if !shapeMismatches.isEmpty {
            parts.append("shape mismatches: " + shapeMismatches.map { "\($0.key) expects \($0.expected), state has \($0.found)" }.joined(separator: ", "))
        }
        if !invalidValues.isEmpty { parts.append("invalid values: \(invalidValues.joined(separator: ", "))") }
        return "optimizer state does not fit the optimizer: " + parts.joined(separator: "; ")
    }
}
