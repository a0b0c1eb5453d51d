import AnnealDistributed
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTraining

/// The optimizers a configuration can name.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case sgd, adam, adamw, rmsprop, adagrad
    /// Large batches: layer-wise trust ratios (You et al. 2017, 2019).
    case lars, lamb

    /// The usual peak learning rate (SGD's is the preset's).
    public var defaultLearningRate: Float {
        switch self {
        case .sgd: 0.05
        case .adam, .adamw, .rmsprop: 1e-3
        case .adagrad: 1e-2
        // LARS's local rate is η = 0.001 times ‖p‖/‖g‖, so its global rate is large.
        case .lars: 1
        case .lamb: 5e-3
        }
    }

    /// Whether the optimizer has a momentum term.
    public var usesMomentum: Bool { self == .sgd || self == .rmsprop || self == .lars }
}

/// An optimizer with its settings. Weight decay skips biases and normalization
/// parameters (L2 for sgd/adam/rmsprop/adagrad, decoupled for adamw).
public struct OptimizerConfig: Codable, Sendable, Equatable {
    public var name: OptimizerKind = .sgd
    /// Peak of the schedule; nil: SGD the preset's, others their usual default.
    public var learningRate: Float? = nil
    /// sgd, rmsprop: momentum (default 0.9).
    public var momentum: Float? = nil
    /// nil: the preset's (1e-3 for resnets, else 5e-4).
    public var weightDecay: Float? = nil
    /// sgd: Nesterov momentum (Sutskever et al. 2013), evaluating the gradient's
    /// correction at the look-ahead point (nil: off).
    public var nesterov: Bool? = nil

    public init(name: OptimizerKind = .sgd, learningRate: Float? = nil, momentum: Float? = nil, weightDecay: Float? = nil) {
        self.name = name
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public func resolved(recipe: PresetRecipe) -> OptimizerConfig {
        var c = self
        c.learningRate = learningRate ?? (name == .sgd ? recipe.sgdLearningRate : name.defaultLearningRate)
        if name.usesMomentum { c.momentum = momentum ?? 0.9 }
        c.weightDecay = weightDecay ?? recipe.weightDecay
        return c
    }

    public func validate() throws {
        if let lr = learningRate, !(lr > 0 && lr.isFinite) {
            throw ConfigError(field: "optimizer.learningRate", "must be positive, got \(lr)")
        }
        if let momentum {
            guard name.usesMomentum else { throw ConfigError(field: "optimizer.momentum", "does not apply to \(name.rawValue) (only sgd, rmsprop and lars)") }
            guard momentum >= 0 && momentum < 1 else { throw ConfigError(field: "optimizer.momentum", "\(momentum) is not in [0, 1)") }
        }
        if nesterov == true {
            guard name == .sgd else { throw ConfigError(field: "optimizer.nesterov", "applies to sgd only, not \(name.rawValue)") }
            guard momentum ?? 0.9 > 0 else { throw ConfigError(field: "optimizer.nesterov", "needs momentum above 0") }
        }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) {
            throw ConfigError(field: "optimizer.weightDecay", "must not be negative, got \(weightDecay)")
        }
    }

    /// The optimizer over `model`'s parameters (call on a resolved configuration).
    /// With `backboneLearningRateScale`, every parameter outside the head learns at
    /// that fraction of the rate (groups "backbone/decay", "backbone/no_decay").
    public func makeOptimizer(for model: Module, backboneLearningRateScale: Float? = nil) throws -> Optimizer {
        try validate()
        let weightDecay = weightDecay ?? 0
        var groups = ParameterGroup.weightDecayGroups(of: model, weightDecay: weightDecay)
        if let scale = backboneLearningRateScale {
            let head = Set(model.namedParameters().filter { model.isHeadParameter($0.name) }.map { ObjectIdentifier($0.parameter) })
            groups = groups.flatMap { group -> [ParameterGroup] in
                var backbone = group, top = group
                backbone.parameters = group.parameters.filter { !head.contains(ObjectIdentifier($0)) }
                backbone.name = "backbone/\(group.name)"
                backbone.learningRateScale = scale
                top.parameters = group.parameters.filter { head.contains(ObjectIdentifier($0)) }
                return [backbone, top]
            }
        }
        let lr = learningRate ?? name.defaultLearningRate
        switch name {
        case .sgd: return SGD(groups, learningRate: lr, momentum: momentum ?? 0.9, nesterov: nesterov ?? false, weightDecay: weightDecay)
        case .adam: return Adam(groups, learningRate: lr, weightDecay: weightDecay)
        case .adamw: return AdamW(groups, learningRate: lr, weightDecay: weightDecay)
        case .rmsprop: return RMSProp(groups, learningRate: lr, weightDecay: weightDecay, momentum: momentum ?? 0.9)
        case .adagrad: return Adagrad(groups, learningRate: lr, weightDecay: weightDecay)
        case .lars: return LARS(groups, learningRate: lr, momentum: momentum ?? 0.9, weightDecay: weightDecay)
        case .lamb: return LAMB(groups, learningRate: lr, weightDecay: weightDecay)
        }
    }
}
