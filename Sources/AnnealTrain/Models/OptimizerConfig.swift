import AnnealNN
import AnnealOptim

/// An optimizer chosen by name with its settings, as the command line offers it.
/// Weight decay skips biases and normalization parameters.
public struct OptimizerConfig: Sendable {
    public static let names = ["sgd", "adam", "adamw", "rmsprop", "adagrad"]

    public var name = "sgd"
    /// nil: the optimizer's usual default (SGD 0.05, Adam/AdamW 1e-3, RMSProp 1e-3, Adagrad 1e-2).
    public var learningRate: Float?
    public var momentum: Float = 0.9
    public var weightDecay: Float = 0

    public init(name: String = "sgd", learningRate: Float? = nil, momentum: Float = 0.9, weightDecay: Float = 0) {
        self.name = name
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
    }

    public var resolvedLearningRate: Float {
        learningRate ?? ["sgd": 0.05, "adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3, "adagrad": 1e-2][name] ?? 0.05
    }

    public func validate() throws {
        guard OptimizerConfig.names.contains(name) else {
            throw ConfigError("unknown optimizer '\(name)'; valid: \(OptimizerConfig.names.joined(separator: ", "))")
        }
        guard resolvedLearningRate > 0 && resolvedLearningRate.isFinite else { throw ConfigError("learning rate \(resolvedLearningRate) must be positive") }
        guard momentum >= 0 && momentum < 1 else { throw ConfigError("momentum \(momentum) is not in [0, 1)") }
        guard weightDecay >= 0 else { throw ConfigError("weight decay \(weightDecay) must not be negative") }
    }

    public func makeOptimizer(for model: Module) throws -> Optimizer {
        try validate()
        let groups = ParameterGroup.weightDecayGroups(of: model, weightDecay: weightDecay)
        let lr = resolvedLearningRate
        switch name {
        case "adam": return Adam(groups, learningRate: lr, weightDecay: weightDecay)
        case "adamw": return AdamW(groups, learningRate: lr, weightDecay: weightDecay)
        case "rmsprop": return RMSProp(groups, learningRate: lr, weightDecay: weightDecay, momentum: momentum)
        case "adagrad": return Adagrad(groups, learningRate: lr, weightDecay: weightDecay)
        default: return SGD(groups, learningRate: lr, momentum: momentum, weightDecay: weightDecay)
        }
    }
}
