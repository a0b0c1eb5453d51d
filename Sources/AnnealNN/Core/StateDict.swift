import AnnealTensor

/// Why a state dict does not fit a model: every missing key, unexpected key and
/// shape mismatch, named, so nothing is half-loaded.
public struct StateDictMismatch: Error, CustomStringConvertible {
    /// Names the model has and the state dict lacks.
    public var missing: [String] = []
    /// Names in the state dict that the model does not have, sorted.
    public var unexpected: [String] = []
    /// Names in both whose shapes differ: the model's shape (`expected`) and the state dict's (`found`).
    public var shapeMismatches: [(name: String, expected: [Int], found: [Int])] = []

    /// A mismatch with nothing wrong yet, to fill in.
    public init() {}

    /// Whether nothing is missing, unexpected or mis-shaped.
    public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatches.isEmpty }

    /// Every problem in one message: the missing and unexpected keys and each shape mismatch.
    public var description: String {
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing keys: \(missing.joined(separator: ", "))") }
        if !unexpected.isEmpty { parts.append("unexpected keys: \(unexpected.joined(separator: ", "))") }
        if !shapeMismatches.isEmpty {
            parts.append("shape mismatches: " + shapeMismatches.map { "\($0.name) expects \($0.expected), file has \($0.found)" }.joined(separator: ", "))
        }
        return "weights do not fit the model: " + parts.joined(separator: "; ")
    }

    /// The names alone, with what is wrong with each: "fc.weight (shape), fc.bias (shape)".
    public var brief: String {
        (missing.map { "\($0) (missing)" } + unexpected.map { "\($0) (unexpected)" }
            + shapeMismatches.map { "\($0.name) (\($0.found) in the file, \($0.expected) here)" }).joined(separator: ", ")
    }
}

extension Module {
    /// Parameters and buffers by dotted name (PyTorch's `state_dict()`).
    public func stateDict() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for (name, p) in namedParameters() { state[name] = p.value.detached() }
        for (name, b) in namedBuffers() { state[name] = b.value }
        return state
    }

    /// Loads every parameter and buffer, or throws (changing nothing) when a key
    /// is missing or unexpected or a shape differs.
    public func loadStateDict(_ state: [String: Tensor]) throws {
        try checkStateDict(state)
        let parameters = namedParameters(), buffers = namedBuffers()
        for (name, p) in parameters { p.assign(state[name]!) }
        for (name, b) in buffers { b.value = state[name]!.detached() }
    }

    /// Loads every tensor of `state` whose name and shape fit this module and returns
    /// what did not (missing, unexpected, mis-shaped), which keeps its current value:
    /// starting from pretrained weights with a new head.
    @discardableResult
    public func loadMatchingStateDict(_ state: [String: Tensor]) -> StateDictMismatch {
        var mismatch = StateDictMismatch()
        do { try checkStateDict(state) } catch let found as StateDictMismatch { mismatch = found } catch {}
        let skipped = Set(mismatch.missing + mismatch.shapeMismatches.map(\.name))
        for (name, p) in namedParameters() where !skipped.contains(name) { p.assign(state[name]!) }
        for (name, b) in namedBuffers() where !skipped.contains(name) { b.value = state[name]!.detached() }
        return mismatch
    }

    /// Throws `StateDictMismatch` unless `state` has exactly this module's names and shapes.
    public func checkStateDict(_ state: [String: Tensor]) throws {
        let parameters = namedParameters(), buffers = namedBuffers()
        var mismatch = StateDictMismatch()
        var known = Set<String>()
        let shapes = parameters.map { ($0.name, $0.parameter.shape) } + buffers.map { ($0.name, $0.buffer.value.shape) }
        for (name, shape) in shapes {
            known.insert(name)
            guard let value = state[name] else { mismatch.missing.append(name); continue }
            if value.shape != shape { mismatch.shapeMismatches.append((name, shape, value.shape)) }
        }
        mismatch.unexpected = state.keys.filter { !known.contains($0) }.sorted()
        guard mismatch.isEmpty else { throw mismatch }
    }

    /// Parameter counts per tensor and in total, as a printable table.
    public func summary() -> String {
        let rows = namedParameters()
        let width = max(10, rows.map(\.name.count).max() ?? 0)
        var lines = ["\("parameter".padding(toLength: width, withPad: " ", startingAt: 0))  \("shape".padding(toLength: 18, withPad: " ", startingAt: 0))  count"]
        var trainable = 0, frozen = 0
        for (name, p) in rows {
            let count = p.value.count
            if p.isFrozen { frozen += count } else { trainable += count }
            let shape = "\(p.shape)" + (p.isFrozen ? " frozen" : "")
            lines.append("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(shape.padding(toLength: 18, withPad: " ", startingAt: 0))  \(count)")
        }
        lines.append("total: \(trainable + frozen) parameters (\(trainable) trainable, \(frozen) frozen)")
        return lines.joined(separator: "\n")
    }

    /// Number of parameter values (trainable and frozen).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
}
