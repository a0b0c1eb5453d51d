/// Why a saved optimizer state does not fit an optimizer: every unknown key,
/// missing key, shape mismatch and bad value, named, so nothing is half-loaded.
public struct OptimizerStateMismatch: Error, CustomStringConvertible {
    /// Keys that name no step count or slot of this optimizer's parameters, sorted.
    public var unknown: [String] = []
    /// Keys the optimizer needs that the state lacks (`"step"`, or a step count or
    /// slot of a parameter that has other entries), sorted.
    public var missing: [String] = []
    /// Slots whose shape is not their parameter's: the key, the parameter's shape
    /// and the saved tensor's shape.
    public var shapeMismatches: [(key: String, expected: [Int], found: [Int])] = []
    /// Step counts that are not a single whole number ≥ 0, each with the values found.
    public var invalidValues: [String] = []

    /// Whether no problem was found, so the state can be loaded.
    public var isEmpty: Bool {
        unknown.isEmpty && missing.isEmpty && shapeMismatches.isEmpty && invalidValues.isEmpty
    }

    /// One line listing every problem, grouped by kind.
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
