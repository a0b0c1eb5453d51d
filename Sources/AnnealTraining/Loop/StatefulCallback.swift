import AnnealTensor
import Foundation

/// A callback whose memory is part of a run's state (a schedule's clock, early
/// stopping's best epoch, the weight average): checkpoints save it and a resumed
/// run puts it back, so the run goes on exactly as if it had never stopped.
public protocol StatefulCallback: TrainingCallback {
    /// Names its entries in a checkpoint; unique among a trainer's callbacks.
    var stateKey: String { get }
    /// The callback's memory now, for a checkpoint.
    func saveState() throws -> CallbackState
    /// Puts `state` back; throws, naming the problem, when it does not fit `trainer`'s model.
    func restoreState(_ state: CallbackState, trainer: Trainer) throws
}

/// What a `StatefulCallback` saves: small values as JSON, weights as tensors.
public struct CallbackState {
    /// The small values as JSON (sorted keys; NaN and infinities as strings), stored in
    /// the checkpoint's metadata.
    public var json: String
    /// Tensors by name; the checkpoint stores them under `callback.KEY.`.
    public var tensors: [String: Tensor]

    /// Encodes `values` as the JSON; throws when they cannot be encoded.
    public init<Values: Encodable>(_ values: Values, tensors: [String: Tensor] = [:]) throws {
        json = String(decoding: try CheckpointJSON.encoder.encode(values), as: UTF8.self)
        self.tensors = tensors
    }

    init(json: String, tensors: [String: Tensor]) {
        self.json = json
        self.tensors = tensors
    }

    /// The JSON decoded as `type`; throws when it does not decode.
    public func decode<Values: Decodable>(_ type: Values.Type) throws -> Values {
        try CheckpointJSON.decoder.decode(type, from: Data(json.utf8))
    }
}

/// JSON that round-trips every Float and Double exactly, NaN and infinities included.
enum CheckpointJSON {
    static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }
}

extension Dictionary where Key == String, Value == Tensor {
    /// The entries under `prefix.`, with the prefix taken off.
    func under(_ prefix: String) -> [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (name, tensor) in self where name.hasPrefix(prefix + ".") { result[String(name.dropFirst(prefix.count + 1))] = tensor }
        return result
    }

    /// The entries with `prefix.` in front of their names.
    func prefixed(_ prefix: String) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: map { ("\(prefix).\($0.key)", $0.value) })
    }
}
