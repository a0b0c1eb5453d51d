import AnnealNN
import AnnealTensor

extension Optimizer {
    /// The state for checkpoints: `"step"` (calls to `step()`), and for every
    /// parameter that has state, `"<i>.step"` (its own update count) and
    /// `"<i>.<slot>"`, where `i` numbers `parameters` across groups in order.
    /// Counts are stored as Float scalars (exact up to 2^24), as PyTorch does.
    /// The tensors share storage with the live state until the next step writes
    /// (copy-on-write), so the dictionary is a snapshot.
    public func stateDict() -> [String: Tensor] {
        var state: [String: Tensor] = ["step": Tensor(Float(stepCount))]
        for (i, parameter) in parameters.enumerated() {
            guard let s = states[ObjectIdentifier(parameter)] else { continue }
            state["\(i).step"] = Tensor(Float(s.step))
            for (name, box) in s.slots { state["\(i).\(name)"] = box.tensor }
        }
        return state
    }

    /// The state slots of each parameter, numbered as in `stateDict()`.
    public var slotNamesByParameter: [[String]] {
        parameterGroups.flatMap { group in
            Array(repeating: slotNames(for: group.hyperparameters(defaults: defaults)), count: group.parameters.count)
        }
    }

    /// Replaces all state with `state` (from `stateDict()` of an optimizer of the
    /// same kind over parameters of the same shapes, in the same order). A
    /// parameter without entries starts fresh. Throws, changing nothing, on an
    /// unknown key or slot, a missing slot, a shape mismatch or a bad count.
    public func loadStateDict(_ state: [String: Tensor]) throws {
        let parameters = self.parameters
        let slotsOf = slotNamesByParameter
        var mismatch = OptimizerStateMismatch()
        func count(_ key: String) -> Int? {
            guard let tensor = state[key] else { mismatch.missing.append(key); return nil }
            guard tensor.count == 1, let n = Int(exactly: tensor.scalars[0]), n >= 0 else {
                mismatch.invalidValues.append("\(key) = \(tensor.scalars.prefix(4)) is not a step count")
                return nil
            }
            return n
        }

        // Group the per-parameter keys by index; anything else is unknown.
        var entries: [Int: [String: Tensor]] = [:]
        for (key, tensor) in state where key != "step" {
            let parts = key.split(separator: ".", maxSplits: 1)
            guard parts.count == 2, let i = Int(parts[0]), parameters.indices.contains(i),
                  parts[1] == "step" || slotsOf[i].contains(String(parts[1])) else {
                mismatch.unknown.append(key)
                continue
            }
            entries[i, default: [:]][String(parts[1])] = tensor
        }
        let step = count("step")

        var loaded: [ObjectIdentifier: ParameterState] = [:]
        for (i, values) in entries.sorted(by: { $0.key < $1.key }) {
            let parameter = parameters[i]
            let s = ParameterState(parameter)
            if let n = count("\(i).step") { s.step = n }
            for name in slotsOf[i] {
                let key = "\(i).\(name)"
                guard let tensor = values[name] else { mismatch.missing.append(key); continue }
                guard tensor.shape == parameter.shape else {
                    mismatch.shapeMismatches.append((key, parameter.shape, tensor.shape))
                    continue
                }
                s.slots[name] = TensorBox(tensor.detached())
            }
            loaded[ObjectIdentifier(parameter)] = s
        }
        mismatch.unknown.sort()
        mismatch.missing.sort()
        guard mismatch.isEmpty else { throw mismatch }
        stepCount = step!
        states = loaded
    }
}
