import AnnealDistributed
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTraining

/// How hidden weights start: the preset's own choice, or one initializer for
/// every hidden `Linear` and `Conv2d` (the classifier keeps its small Xavier start).
public enum InitializerChoice: String, Codable, CaseIterable, Sendable {
    /// Kaiming with the activation's gain (LeCun for SELU), Xavier for the classifier.
    case preset
    /// Kaiming normal with the activation's gain (PyTorch's `kaiming_normal_`).
    case kaiming
    /// Xavier/Glorot normal, gain 1 unless `initGain` says otherwise (PyTorch's `xavier_normal_`).
    case xavier
    /// N(0, initStd²): the notes' "small random numbers".
    case gaussian
    /// std 1/√fanIn (for SELU networks).
    case lecun
    /// Orthogonal matrices scaled by `initGain` (default 1).
    case orthogonal
}

/// Everything needed to rebuild a preset network: part of `RunConfig`, and stored
/// in the weights file's metadata so `evaluate` and `predict` rebuild exactly what
/// was trained. Optional fields are nil where they do not apply to the preset;
/// `resolved(recipe:)` fills in the preset's defaults.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// The preset network (its architecture and training recipe).
    public var name: ModelPreset
    /// Outputs of the classifier (nil: the data's number of classes, set when the run
    /// reads its data; 10 for a weights file that does not say).
    public var classes: Int? = nil
    /// Names of the classifier's outputs, from the data (written to weights files,
    /// so `predict` can name its answers); nil where the data has none.
    public var classNames: [String]? = nil
    /// Input images `[channels, height, width]`, set from the data (nil: Fashion-MNIST's
    /// `[1, 28, 28]`). cnn sizes its hidden layer from it, resnets their first convolution.
    public var inputShape: [Int]? = nil
    /// mlp, cnn: the hidden layers' activation (default ReLU; the other presets use ReLU only).
    public var activation: Activation = .relu
    /// How hidden weights start (default: the preset's own initialization).
    public var initializer: InitializerChoice = .preset
    /// gaussian: the standard deviation (default 0.01).
    public var initStd: Float? = nil
    /// xavier, orthogonal: the gain (default 1).
    public var initGain: Float? = nil
    /// mlp: hidden layer widths (default 1024, 1024).
    public var hidden: [Int]? = nil
    /// fast: widths of the stem and the three blocks (default 16, 32, 64, 128).
    public var widths: [Int]? = nil
    /// fast: the stem reads non-overlapping P×P patches (stride P), so the blocks run
    /// at 1/P of the resolution; 1 (default): a 3×3 convolution at full resolution.
    public var stemPatch: Int? = nil
    /// fast: end each block with a residual pair of convolutions (`BasicBlock`) instead of one convolution (default false).
    public var residualBlocks: Bool? = nil
    /// Convolutional presets: the first convolution starts as a whitening of the
    /// training images' patches (`PatchWhitening`) instead of random filters.
    public var whitenedStem: Bool? = nil
    /// mlp: input width (C·H·W, or k after a PCA projection); set from the data.
    public var inputs: Int? = nil
    /// mlp: dropout after each hidden layer (default 0); cnn: before the classifier (default 0.5).
    public var dropout: Float? = nil
    /// Residual presets: start every block as the identity (zero γ).
    public var zeroInitResidual: Bool? = nil
    /// cnn: 2×2 max or √2 fractional max pooling (default max).
    public var pool: SmallCNN.Pooling? = nil
    /// cnn: false replaces batch norm by the identity (ablation; default true).
    public var batchNorm: Bool? = nil
    /// mlp, cnn: DropConnect probability on hidden Linear weights (default 0).
    public var dropConnect: Float? = nil
    /// Residual presets: drop probability of the last block, rising linearly from 0.
    public var stochasticDepth: Float? = nil

    /// The preset `name` with every optional field unset (the preset's defaults apply once resolved).
    public init(name: ModelPreset) { self.name = name }

    /// With the preset's defaults filled in for every field that applies to it.
    public func resolved(recipe: PresetRecipe? = nil) -> ModelConfig {
        let recipe = recipe ?? name.recipe
        var c = self
        c.classes = classes ?? 10
        switch name {
        case .mlp:
            c.hidden = hidden ?? [1024, 1024]
            c.dropout = dropout ?? 0
            c.dropConnect = dropConnect ?? 0
        case .cnn:
            c.dropout = dropout ?? 0.5
            c.pool = pool ?? .max
            c.batchNorm = batchNorm ?? true
            c.dropConnect = dropConnect ?? 0
        case .fast:
            c.widths = widths ?? FastNet.defaultWidths
            c.stemPatch = stemPatch ?? 1
            c.residualBlocks = residualBlocks == true ? true : nil   // absent means plain blocks, as in run.json files before it
        case .resnet20, .resnet32, .resnet56:
            c.zeroInitResidual = zeroInitResidual ?? recipe.zeroInitResidual
            c.stochasticDepth = stochasticDepth ?? recipe.stochasticDepth ?? 0
        }
        if initializer == .gaussian { c.initStd = initStd ?? 0.01 }
        if [.xavier, .orthogonal].contains(initializer) { c.initGain = initGain ?? 1 }
        return c
    }

    /// Checks ranges and that every field given applies to the preset; the error
    /// names the field (`model.…`), the value and what is valid.
    public func validate() throws {
        func refuse(_ field: String, _ what: String) throws -> Never {
            throw ConfigError(field: "model.\(field)", "\(what) does not apply to the \(name.rawValue) model")
        }
        let residual = name.isResidual
        if let classes, classes < 2 { throw ConfigError(field: "model.classes", "a classifier needs at least 2 classes, got \(classes)") }
        if let classNames, let classes, classNames.count > classes {
            throw ConfigError(field: "model.classes", "\(classes) outputs cannot carry the data's \(classNames.count) class names")
        }
        if let inputShape, inputShape.count != 3 || !(1...4).contains(inputShape[0]) || inputShape[1] < 4 || inputShape[2] < 4 {
            throw ConfigError(field: "model.inputShape", "must be [channels 1…4, height ≥ 4, width ≥ 4], got \(inputShape)")
        }
        if !name.hasHiddenLinear && activation != .relu {
            let where_ = residual ? "inside its residual blocks" : "after every batch norm"
            throw ConfigError(field: "model.activation", "the \(name.rawValue) model uses ReLU \(where_); '\(activation.rawValue)' is for mlp and cnn")
        }
        if whitenedStem == true && name == .mlp { try refuse("whitenedStem", "a whitened first convolution") }
        if let stemPatch {
            guard name == .fast else { try refuse("stemPatch", "a patch stem") }
            guard (1...4).contains(stemPatch) else { throw ConfigError(field: "model.stemPatch", "must be in 1...4, got \(stemPatch)") }
        }
        if residualBlocks == true && name != .fast { try refuse("residualBlocks", "residual fast blocks") }
        if name == .fast, let inputShape, inputShape[1] < 8 * (stemPatch ?? 1) || inputShape[2] < 8 * (stemPatch ?? 1) {
            let least = 8 * (stemPatch ?? 1)
            throw ConfigError(field: "model.inputShape", "the fast model pools three times after its stem and needs images of at least "
                              + "\(least)×\(least), got \(inputShape[1])×\(inputShape[2])")
        }
        if let initStd {
            guard initializer == .gaussian else { throw ConfigError(field: "model.initStd", "applies to the gaussian initializer only, not '\(initializer.rawValue)'") }
            guard initStd > 0 && initStd.isFinite else { throw ConfigError(field: "model.initStd", "must be positive, got \(initStd)") }
        }
        if let initGain {
            guard [.xavier, .orthogonal].contains(initializer) else {
                throw ConfigError(field: "model.initGain", "applies to the xavier and orthogonal initializers, not '\(initializer.rawValue)'")
            }
            guard initGain > 0 && initGain.isFinite else { throw ConfigError(field: "model.initGain", "must be positive, got \(initGain)") }
        }
        if let hidden {
            guard name == .mlp else { try refuse("hidden", "hidden widths") }
            guard !hidden.isEmpty && hidden.allSatisfy({ $0 > 0 }) else { throw ConfigError(field: "model.hidden", "widths \(hidden) must be positive") }
        }
        if let widths {
            guard name == .fast else { try refuse("widths", "block widths") }
            guard widths.count == 4 && widths.allSatisfy({ $0 > 0 }) else {
                throw ConfigError(field: "model.widths", "needs 4 positive widths (stem and three blocks), got \(widths)")
            }
        }
        if let inputs {
            guard name == .mlp || inputs == 784 else { throw ConfigError(field: "model.inputs", "the \(name.rawValue) model takes images, not \(inputs) flat features") }
            guard inputs > 0 else { throw ConfigError(field: "model.inputs", "must be positive, got \(inputs)") }
        }
        if let dropout {
            guard name.hasHiddenLinear else { try refuse("dropout", "dropout") }
            guard dropout >= 0 && dropout < 1 else { throw ConfigError(field: "model.dropout", "\(dropout) is not in [0, 1)") }
        }
        if zeroInitResidual == true && !residual { try refuse("zeroInitResidual", "zero-init of residual blocks") }
        if pool != nil && name != .cnn { try refuse("pool", "the pooling choice") }
        if batchNorm == false && name != .cnn { try refuse("batchNorm", "removing batch norm") }
        if let dropConnect {
            guard name.hasHiddenLinear else { try refuse("dropConnect", "DropConnect") }
            guard dropConnect >= 0 && dropConnect < 1 else { throw ConfigError(field: "model.dropConnect", "\(dropConnect) is not in [0, 1)") }
        }
        if let stochasticDepth {
            guard residual else { try refuse("stochasticDepth", "stochastic depth") }
            guard stochasticDepth >= 0 && stochasticDepth < 1 else { throw ConfigError(field: "model.stochasticDepth", "\(stochasticDepth) is not in [0, 1)") }
        }
    }

    /// The initializer that replaces the preset's hidden weights, or nil to keep them.
    public func makeInitializer() -> Initializer? {
        switch initializer {
        case .preset: nil
        case .kaiming: .kaimingNormal(nonlinearity: activation.nonlinearity)
        case .xavier: .xavierNormal(gain: initGain ?? 1)
        case .gaussian: .normal(std: initStd ?? 0.01)
        case .lecun: .lecunNormal
        case .orthogonal: .orthogonal(gain: initGain ?? 1)
        }
    }

    /// Builds the network (fresh weights from `GlobalRandom`).
    public func makeModel() throws -> Module { try plan().makeModel() }
}

extension ModelConfig {
    /// Without the fields that do not apply to the preset (weights files written
    /// before the configuration was checked field by field carry some).
    public func droppingInapplicable() -> ModelConfig {
        var c = self
        if name != .mlp { c.hidden = nil; c.inputs = nil }
        if name != .fast { c.widths = nil; c.stemPatch = nil; c.residualBlocks = nil }
        if name == .mlp { c.whitenedStem = nil }
        if !name.hasHiddenLinear { c.dropout = nil; c.dropConnect = nil }
        if !name.isResidual { c.zeroInitResidual = nil; c.stochasticDepth = nil }
        if name != .cnn { c.pool = nil; c.batchNorm = nil }
        if initializer != .gaussian { c.initStd = nil }
        if ![.xavier, .orthogonal].contains(initializer) { c.initGain = nil }
        return c
    }
}
