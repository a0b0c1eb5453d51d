import AnnealDistributed
import AnnealNN
import AnnealReports
import AnnealTraining

/// Starting from another model's weights (transfer learning): which tensors to
/// take, which layers to freeze, and how fast the backbone learns next to the head.
/// The head is the network's last `Linear` (`Module.headName`); sized to
/// `model.classes`, a head of another size stays freshly initialized.
public struct TransferConfig: Codable, Sendable, Equatable {
    /// Weights to start from (Anneal's or PyTorch's safetensors, PyTorch names).
    public var initFrom: String? = nil
    /// With `initFrom`: load what fits and keep the fresh initialization for tensors
    /// missing from the file or of another shape (a new head); the run lists them.
    /// Without it such tensors are an error.
    public var allowPartial = false
    /// With `initFrom`: do not take the file's head even when it fits (a new task
    /// with as many classes as the old one); the head starts fresh.
    public var resetHead = false
    /// Freeze these modules (dotted module paths such as "conv1", "layer2.0" or "4").
    public var freeze: [String] = []
    /// Freeze every layer group before this one (a top-level layer name, e.g. "layer3" or "9").
    public var freezeUntil: String? = nil
    /// The backbone's learning rate as a fraction of the head's (discriminative rates, e.g. 0.1).
    public var backboneLearningRateScale: Float? = nil
    /// Gradual unfreezing: only the head trains at first; every this many epochs the
    /// next layer group down the network joins it.
    public var unfreezeEvery: Int? = nil

    /// No transfer: fresh weights, nothing frozen, one learning rate for the whole network.
    public init() {}

    /// Whether every field is at its default (the run starts from scratch and freezes nothing).
    public var isEmpty: Bool { self == TransferConfig() }

    /// Checks ranges and combinations (`allowPartial` and `resetHead` need `initFrom`;
    /// `unfreezeEvery` excludes `freeze` and `freezeUntil`); the error names the field.
    public func validate() throws {
        if allowPartial && initFrom == nil { throw ConfigError(field: "transfer.allowPartial", "applies with initFrom only") }
        if resetHead && initFrom == nil { throw ConfigError(field: "transfer.resetHead", "applies with initFrom only") }
        if let s = backboneLearningRateScale, !(s >= 0 && s.isFinite) {
            throw ConfigError(field: "transfer.backboneLearningRateScale", "must be ≥ 0, got \(s)")
        }
        if let e = unfreezeEvery {
            guard e >= 1 else { throw ConfigError(field: "transfer.unfreezeEvery", "must be at least 1 epoch, got \(e)") }
            guard freeze.isEmpty && freezeUntil == nil else {
                throw ConfigError(field: "transfer.unfreezeEvery", "decides what is frozen itself; it does not combine with freeze or freezeUntil")
            }
        }
        if freeze.contains(where: \.isEmpty) { throw ConfigError(field: "transfer.freeze", "an empty prefix would freeze the whole model") }
    }

    /// Loads `initFrom` into `model`: every tensor whose name and shape fit. Returns
    /// the tensors that did not (empty when all fit); unless `allowPartial`, any
    /// such tensor is an error that lists them all.
    public func loadInitialWeights(into model: Module) throws -> StateDictMismatch {
        guard let path = initFrom else { return StateDictMismatch() }
        var state = try WeightsFile.read(path).state
        if resetHead { state = state.filter { !model.isHeadParameter($0.key) } }
        var mismatch = model.loadMatchingStateDict(state)
        if resetHead { mismatch.missing.removeAll { model.isHeadParameter($0) } }
        if !mismatch.isEmpty && !allowPartial {
            throw ConfigError(field: "transfer.initFrom", "\(path): \(mismatch) (allow a partial load to keep a fresh initialization for these)")
        }
        return mismatch
    }

    /// Freezes what `freeze` and `freezeUntil` name (checked against `model`'s
    /// names), or for gradual unfreezing everything but the head.
    public func applyFreezing(to model: Module) throws {
        // Names as module paths: "1" is module 1 (its "1." parameters), not also module 12.
        for prefix in freeze where model.freeze(prefix: prefix.hasSuffix(".") ? prefix : prefix + ".") == 0 {
            throw ConfigError(field: "transfer.freeze", "no parameter of the model starts with '\(prefix)'; its layers: \(model.layerGroups.joined(separator: ", "))")
        }
        if let layer = freezeUntil {
            do { try model.freeze(until: layer) } catch { throw ConfigError(field: "transfer.freezeUntil", error.description) }
        }
        if let unfreezeEvery { GradualUnfreezing.apply(to: model, epoch: 0, every: unfreezeEvery) }
    }
}
