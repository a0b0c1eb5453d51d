import AnnealTensor

/// Reads every layer's output during forward passes, for any model: hooks on
/// every module below the root except the containers (`Sequential`), so a
/// ResNet shows its stem, each residual block and the layers inside it, and the
/// classifier. A ReLU fused into the layer before it (`ReLUFusing`) is measured
/// too, as `NAME+relu`: while a probe listens, that layer runs unfused, which
/// gives the same values (see `ReLUFusing`).
///
///     let (logits, layers) = LayerProbe.measure(model) { model(batch) }
public enum LayerProbe {
    /// Runs `body` with every layer of `model` observed; returns its result and one
    /// `ActivationStatistics` per layer output, in the order the outputs were
    /// computed, each with up to `samplesPerLayer` of its values (for histograms).
    /// Hooks set before are kept (called first) and put back afterwards.
    public static func measure<R>(_ model: Module, samplesPerLayer: Int = 0, _ body: () throws -> R) rethrows -> (R, [ActivationStatistics]) {
        var rows: [ActivationStatistics] = []
        let observed = model.namedModules().filter { !$0.name.isEmpty && !($0.module is Sequential) }
        let saved = observed.map { ($0.module.forwardHook, $0.module.fusedActivationHook) }
        defer {
            for ((_, module), (hook, fused)) in zip(observed, saved) {
                module.forwardHook = hook
                module.fusedActivationHook = fused
            }
        }
        for ((name, module), (hook, _)) in zip(observed, saved) {
            let kind = String(describing: type(of: module))
            module.forwardHook = { input, output in
                hook?(input, output)
                rows.append(ActivationStatistics(name: name, kind: kind, output: output, keeping: samplesPerLayer))
            }
            if module is any ReLUFusing {
                module.fusedActivationHook = { output in
                    rows.append(ActivationStatistics(name: name + "+relu", kind: "ReLU (fused)", output: output, keeping: samplesPerLayer))
                }
            }
        }
        let result = try body()
        return (result, rows)
    }
}
