import AnnealData
import AnnealDistributed
import AnnealIO
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation

/// A model's weights in safetensors format (PyTorch state-dict names), with the
/// model configuration and fitted preprocessing in the header metadata.
public struct WeightsFile {
    /// The model's tensors by PyTorch state-dict name (the preprocessing's reserved tensors excluded).
    public var state: [String: Tensor]
    /// The network the weights belong to (nil: a file without Anneal's metadata, such as PyTorch's).
    public var model: ModelConfig?
    /// The preprocessing fitted on the training images, which inputs must go through (nil: none stored).
    public var preprocessing: Preprocessing?

    static let modelKey = "anneal.model", preprocessingKey = "anneal.preprocessing"

    /// A file of the tensors `state`, with the model description and preprocessing where given.
    public init(state: [String: Tensor], model: ModelConfig? = nil, preprocessing: Preprocessing? = nil) {
        self.state = state
        self.model = model
        self.preprocessing = preprocessing
    }

    /// A file of `module`'s current state dict, described by `config` and `preprocessing`.
    public init(model module: Module, config: ModelConfig?, preprocessing: Preprocessing?) {
        self.init(state: module.stateDict(), model: config, preprocessing: preprocessing)
    }

    /// Writes atomically (never a half-written file).
    public func write(to path: String) throws {
        var file = SafeTensorsFile()
        for (name, tensor) in state { file.tensors[name] = ShapedArray(shape: tensor.shape, values: tensor.scalars) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let model { file.metadata[WeightsFile.modelKey] = String(decoding: try encoder.encode(model), as: UTF8.self) }
        if let preprocessing {
            file.metadata[WeightsFile.preprocessingKey] = String(decoding: try encoder.encode(preprocessing), as: UTF8.self)
            // Whitening matrices go beside the weights under reserved names, not into the JSON.
            for (name, tensor) in preprocessing.tensors { file.tensors[name] = ShapedArray(shape: tensor.shape, values: tensor.scalars) }
        }
        try file.write(to: path)
    }

    /// Reads a file written by Anneal or by Python's safetensors (metadata optional).
    public static func read(_ path: String) throws -> WeightsFile {
        let file = try SafeTensorsFile.read(path)
        var state: [String: Tensor] = [:]
        for (name, array) in file.tensors { state[name] = Tensor(array.values, shape: array.shape) }
        func decode<T: Decodable>(_ key: String, as type: T.Type) throws -> T? {
            guard let text = file.metadata[key] else { return nil }
            do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
                throw AnnealIOError(path: path, "metadata '\(key)' is not valid: \(text)")
            }
        }
        // Reserved tensors belong to the preprocessing, not to the model's state dict.
        let reserved = state.filter { $0.key.hasPrefix(Preprocessing.reservedTensorPrefix) }
        for name in reserved.keys { state[name] = nil }
        var preprocessing = try decode(preprocessingKey, as: Preprocessing.self)
        do { try preprocessing?.attach(tensors: reserved) } catch {
            throw AnnealIOError(path: path, "\(error)")
        }
        // Older files carry fields that do not apply to their preset; they changed nothing then either.
        let model = try decode(modelKey, as: ModelConfig.self)?.droppingInapplicable()
        return WeightsFile(state: state, model: model, preprocessing: preprocessing)
    }

    /// Loads the weights into `module`, naming every missing, unexpected or
    /// mis-shaped tensor (and changing nothing) when they do not fit.
    public func apply(to module: Module, path: String) throws {
        do { try module.loadStateDict(state) } catch let mismatch as StateDictMismatch {
            throw AnnealIOError(path: path, mismatch.description)
        }
    }

    /// The model this file describes, rebuilt with its weights loaded, in
    /// evaluation mode, and its preprocessing. `preset` is needed only for a file
    /// without a model description (one written by PyTorch); given for a file
    /// that has one, it must agree.
    public static func loadModel(_ path: String, preset: ModelPreset? = nil) throws -> (model: Module, config: ModelConfig, preprocessing: Preprocessing) {
        let file = try read(path)
        if let stored = file.model, let preset, stored.name != preset {
            throw AnnealIOError(path: path, "holds a '\(stored.name.rawValue)' model, not '\(preset.rawValue)'")
        }
        guard let config = file.model ?? preset.map(ModelConfig.init(name:)) else {
            throw AnnealIOError(path: path, "has no model description (not written by Anneal); name the model preset it belongs to")
        }
        let model = try config.makeModel()
        try file.apply(to: model, path: path)
        model.eval()
        return (model, config, file.preprocessing ?? .none)
    }
}
