import AnnealDistributed
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTraining

/// The optimizers a configuration can name.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    /// Stochastic gradient descent (with momentum), Adam, AdamW (decoupled weight decay),
    /// RMSProp and AdaGrad, as PyTorch defines them.
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
    /// Whether it keeps Adam's moment estimates (β1, β2).
    public var usesBetas: Bool { self == .adam || self == .adamw || self == .lamb }
    /// Whether it divides by a running magnitude (and adds ε to it).
    public var usesEps: Bool { usesBetas || self == .rmsprop || self == .adagrad }

    /// Its own defaults, as PyTorch's optimizers have them (LARS: the paper's
    /// momentum 0.9; LAMB: its paper's ε 1e-6). SGD's momentum is the preset recipe's.
    var defaultMomentum: Float { self == .lars ? 0.9 : 0 }
    static let defaultBetas: [Float] = [0.9, 0.999]
    var defaultEps: Float {
        switch self {
        case .adagrad: 1e-10
        case .lamb: 1e-6
        default: 1e-8
        }
    }
}

/// An optimizer with its settings. Weight decay skips biases and normalization
/// parameters (L2 for sgd/adam/rmsprop/adagrad, decoupled for adamw). Settings of
/// the optimizer's own (momentum, betas, ε, α) left nil take its own defaults; the
/// rate and weight decay left nil take the preset recipe's.
public struct OptimizerConfig: Codable, Sendable, Equatable {
    /// The optimizer (default SGD).
    public var name: OptimizerKind = .sgd
    /// Peak of the schedule; nil: SGD the preset's, others their usual default.
    public var learningRate: Float? = nil
    /// sgd, rmsprop, lars: momentum (default: sgd the recipe's 0.9, rmsprop 0, lars 0.9).
    public var momentum: Float? = nil
    /// nil: the preset's (1e-3 for resnets, else 5e-4).
    public var weightDecay: Float? = nil
    /// sgd: Nesterov momentum (Sutskever et al. 2013), evaluating the gradient's
    /// correction at the look-ahead point (nil: off).
    public var nesterov: Bool? = nil
    /// adam, adamw, lamb: (β1, β2) (default 0.9, 0.999).
    public var betas: [Float]? = nil
    /// adam, adamw, lamb, rmsprop, adagrad: ε added to the denominator (default 1e-8; adagrad 1e-10, lamb 1e-6).
    public var eps: Float? = nil
    /// rmsprop: smoothing constant of the squared-gradient average (default 0.99).
    public var alpha: Float? = nil

    /// The optimizer `name`; settings left nil take the recipe's or the optimizer's own defaults once resolved.
    public init(name: OptimizerKind = .sgd, learningRate: Float? = nil, momentum: Float? = nil, weightDecay: Float? = nil) {
        self.name = name
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    /// With every setting the optimizer uses decided: the recipe's rate (for SGD)
    /// and weight decay, the optimizer's own defaults for the rest (without a recipe:
    /// SGD at 0.05 with momentum 0.9, no weight decay).
    public func resolved(recipe: PresetRecipe?) -> OptimizerConfig {
        var c = self
        c.learningRate = learningRate ?? (name == .sgd ? recipe?.sgdLearningRate ?? name.defaultLearningRate : name.defaultLearningRate)
        c.weightDecay = weightDecay ?? recipe?.weightDecay ?? 0
        if name.usesMomentum { c.momentum = momentum ?? (name == .sgd ? recipe?.sgdMomentum ?? 0.9 : name.defaultMomentum) }
        if name.usesBetas { c.betas = betas ?? OptimizerKind.defaultBetas }
        if name.usesEps { c.eps = eps ?? name.defaultEps }
        if name == .rmsprop { c.alpha = alpha ?? 0.99 }
        return c
    }

    /// The optimizer as it will run (checked; defaults as `resolved(recipe:)` fills them).
    public func plan(recipe: PresetRecipe? = nil) throws -> OptimizerPlan {
        try validate()
        let c = resolved(recipe: recipe)
        let momentum = c.momentum ?? 0, eps = c.eps ?? name.defaultEps
        let betas = c.betas ?? OptimizerKind.defaultBetas, (beta1, beta2) = (betas[0], betas[1])
        let settings: OptimizerPlan.Settings
        switch name {
        case .sgd: settings = .sgd(momentum: momentum, nesterov: c.nesterov ?? false)
        case .adam: settings = .adam(beta1: beta1, beta2: beta2, eps: eps)
        case .adamw: settings = .adamw(beta1: beta1, beta2: beta2, eps: eps)
        case .rmsprop: settings = .rmsprop(alpha: c.alpha ?? 0.99, eps: eps, momentum: momentum)
        case .adagrad: settings = .adagrad(eps: eps)
        case .lars: settings = .lars(momentum: momentum)
        case .lamb: settings = .lamb(beta1: beta1, beta2: beta2, eps: eps)
        }
        return OptimizerPlan(learningRate: c.learningRate ?? name.defaultLearningRate, weightDecay: c.weightDecay ?? 0, settings: settings)
    }

    /// Checks ranges and that every setting given applies to the optimizer; the error
    /// names the field (`optimizer.…`), the value and what is valid.
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
        if let betas {
            guard name.usesBetas else { throw ConfigError(field: "optimizer.betas", "apply to adam, adamw and lamb, not \(name.rawValue)") }
            guard betas.count == 2, betas.allSatisfy({ $0 >= 0 && $0 < 1 }) else {
                throw ConfigError(field: "optimizer.betas", "must be two values in [0, 1), got \(betas)")
            }
        }
        if let eps {
            guard name.usesEps else { throw ConfigError(field: "optimizer.eps", "does not apply to \(name.rawValue)") }
            guard eps > 0 && eps.isFinite else { throw ConfigError(field: "optimizer.eps", "must be positive, got \(eps)") }
        }
        if let alpha {
            guard name == .rmsprop else { throw ConfigError(field: "optimizer.alpha", "applies to rmsprop only, not \(name.rawValue)") }
            guard alpha >= 0 && alpha < 1 else { throw ConfigError(field: "optimizer.alpha", "\(alpha) is not in [0, 1)") }
        }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) {
            throw ConfigError(field: "optimizer.weightDecay", "must not be negative, got \(weightDecay)")
        }
    }

    /// The optimizer over `model`'s parameters (call on a resolved configuration).
    /// With `backboneLearningRateScale`, every parameter outside the head learns at
    /// that fraction of the rate (groups "backbone/decay", "backbone/no_decay").
    public func makeOptimizer(for model: Module, backboneLearningRateScale: Float? = nil) throws -> Optimizer {
        let plan = try plan()
        let weightDecay = plan.weightDecay
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
        return plan.makeOptimizer(groups)
    }
}
