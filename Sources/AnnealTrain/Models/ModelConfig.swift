import AnnealNN
import AnnealTensor
import Foundation

/// Everything needed to rebuild a preset network: stored in the weights file's
/// metadata so `evaluate` and `predict` rebuild exactly what was trained.
public struct ModelConfig: Codable, Sendable, Equatable {
    public var name: String
    public var activation: String = Activation.relu.rawValue
    /// kaiming | xavier | gaussian | lecun | orthogonal
    public var initializer: String = "kaiming"
    public var initStd: Float = 0.01
    public var hidden: [Int]? = nil
    /// mlp: input width (784, or k after a PCA projection).
    public var inputs: Int? = nil
    /// Dropout after hidden layers (mlp: 0; cnn: 0.5 before the classifier).
    public var dropout: Float? = nil
    /// Residual presets: start every block as the identity (zero γ).
    public var zeroInitResidual: Bool? = nil
    /// cnn: "max" (2×2) or "fractional" (√2, Graham 2014) pooling.
    public var pool: String? = nil
    /// cnn: false replaces batch norm by the identity (ablation).
    public var batchNorm: Bool? = nil
    /// DropConnect probability on hidden Linear layers (mlp, cnn).
    public var dropConnect: Float? = nil
    /// resnet*: stochastic-depth drop probability of the last block (rising linearly from 0).
    public var stochasticDepth: Float? = nil

    public init(name: String) { self.name = name }

    public static let presetNames = ["mlp", "cnn", "resnet20", "resnet32", "resnet56"]
    public static let initializerNames = ["kaiming", "xavier", "gaussian", "lecun", "orthogonal"]

    /// Checks names and ranges; the message names the bad value and the valid ones.
    public func validate() throws {
        guard ModelConfig.presetNames.contains(name) else {
            throw ConfigError("unknown model '\(name)'; valid models: \(ModelConfig.presetNames.joined(separator: ", "))")
        }
        guard Activation(rawValue: activation) != nil else {
            throw ConfigError("unknown activation '\(activation)'; valid: \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ModelConfig.initializerNames.contains(initializer) else {
            throw ConfigError("unknown initializer '\(initializer)'; valid: \(ModelConfig.initializerNames.joined(separator: ", "))")
        }
        if let dropout, !(dropout >= 0 && dropout < 1) { throw ConfigError("dropout \(dropout) is not in [0, 1)") }
        guard initStd > 0 else { throw ConfigError("init std \(initStd) must be positive") }
        let residual = name.hasPrefix("resnet")
        if let inputs, inputs != 784 && name != "mlp" { throw ConfigError("model '\(name)' takes 28×28 images, not \(inputs) features") }
        if let pool {
            guard name == "cnn" else { throw ConfigError("--pool applies to the cnn model only, not '\(name)'") }
            guard SmallCNN.Pooling(rawValue: pool) != nil else {
                throw ConfigError("unknown pooling '\(pool)'; valid: \(SmallCNN.Pooling.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if batchNorm == false && name != "cnn" { throw ConfigError("--batchnorm-off applies to the cnn model only, not '\(name)'") }
        if let dropConnect {
            guard !residual else { throw ConfigError("--dropconnect applies to mlp and cnn, not '\(name)'") }
            guard dropConnect >= 0 && dropConnect < 1 else { throw ConfigError("dropconnect \(dropConnect) is not in [0, 1)") }
        }
        if let stochasticDepth {
            guard residual else { throw ConfigError("--stochastic-depth applies to resnet models only, not '\(name)'") }
            guard stochasticDepth >= 0 && stochasticDepth < 1 else { throw ConfigError("stochastic depth \(stochasticDepth) is not in [0, 1)") }
        }
        if let hidden, hidden.isEmpty || hidden.contains(where: { $0 <= 0 }) {
            throw ConfigError("hidden sizes \(hidden) must be positive")
        }
    }

    /// The initializer for hidden layers, or nil for the preset's default.
    public func makeInitializer(activation: Activation) -> Initializer? {
        switch initializer {
        case "xavier": .xavierNormal(gain: activation.nonlinearity.gain)
        case "gaussian": .normal(std: initStd)
        case "lecun": .lecunNormal
        case "orthogonal": .orthogonal(gain: activation.nonlinearity.gain)
        default: nil   // kaiming (with the activation's gain) is every preset's default
        }
    }

    /// Builds the network (fresh weights from `GlobalRandom`).
    public func makeModel() throws -> Module {
        try validate()
        let activation = Activation(rawValue: activation)!
        switch name {
        case "cnn":
            return SmallCNN.make(dropout: dropout ?? 0.5, pool: SmallCNN.Pooling(rawValue: pool ?? "max")!,
                                 batchNorm: batchNorm ?? true, dropConnect: dropConnect ?? 0)
        case "resnet20", "resnet32", "resnet56":
            return ResNet(depth: Int(name.dropFirst(6))!, zeroInitResidual: zeroInitResidual ?? false,
                          stochasticDepth: stochasticDepth ?? 0)
        default:
            let mlp = MLP.make(inputs: inputs ?? 784, hidden: hidden ?? [1024, 1024], activation: activation,
                               initializer: makeInitializer(activation: activation), dropout: dropout ?? 0)
            // DropConnect on the hidden layers, not the classifier.
            for layer in mlp.layers.compactMap({ $0 as? Linear }).dropLast() { layer.dropConnect = dropConnect ?? 0 }
            return mlp
        }
    }
}

/// A bad model, option or file configuration: one line for the user.
public struct ConfigError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
