import AnnealNN
import AnnealOptim

/// An optimizer with every hyperparameter decided: the shared ones (rate, weight
/// decay) and its own (`Settings`), each from the configuration or else from the
/// optimizer's own defaults (SGD's momentum: the recipe's, which was tuned with it).
public struct OptimizerPlan: Sendable, Equatable {
    /// Peak of the schedule.
    public var learningRate: Float
    public var weightDecay: Float
    public var settings: Settings

    public enum Settings: Sendable, Equatable {
        case sgd(momentum: Float, nesterov: Bool)
        case adam(beta1: Float, beta2: Float, eps: Float)
        case adamw(beta1: Float, beta2: Float, eps: Float)
        case rmsprop(alpha: Float, eps: Float, momentum: Float)
        case adagrad(eps: Float)
        case lars(momentum: Float)
        case lamb(beta1: Float, beta2: Float, eps: Float)
    }

    /// Every hyperparameter in use, as the first line of a run prints it after the name
    /// and rate: "momentum 0.9, weight decay 0.0005".
    public var hyperparameters: String {
        var parts: [String]
        switch settings {
        case .sgd(let momentum, let nesterov): parts = ["momentum \(momentum)" + (nesterov ? " (Nesterov)" : "")]
        case .adam(let b1, let b2, let eps), .adamw(let b1, let b2, let eps), .lamb(let b1, let b2, let eps):
            parts = ["betas (\(b1), \(b2))", "eps \(eps)"]
        case .rmsprop(let alpha, let eps, let momentum): parts = ["alpha \(alpha)", "eps \(eps)", "momentum \(momentum)"]
        case .adagrad(let eps): parts = ["eps \(eps)"]
        case .lars(let momentum): parts = ["momentum \(momentum)"]
        }
        return (parts + ["weight decay \(weightDecay)"]).joined(separator: ", ")
    }

    /// The optimizer over `groups`.
    public func makeOptimizer(_ groups: [ParameterGroup]) -> Optimizer {
        let (lr, wd) = (learningRate, weightDecay)
        switch settings {
        case .sgd(let momentum, let nesterov): return SGD(groups, learningRate: lr, momentum: momentum, nesterov: nesterov, weightDecay: wd)
        case .adam(let b1, let b2, let eps): return Adam(groups, learningRate: lr, betas: (b1, b2), eps: eps, weightDecay: wd)
        case .adamw(let b1, let b2, let eps): return AdamW(groups, learningRate: lr, betas: (b1, b2), eps: eps, weightDecay: wd)
        case .rmsprop(let alpha, let eps, let momentum):
            return RMSProp(groups, learningRate: lr, alpha: alpha, eps: eps, weightDecay: wd, momentum: momentum)
        case .adagrad(let eps): return Adagrad(groups, learningRate: lr, weightDecay: wd, eps: eps)
        case .lars(let momentum): return LARS(groups, learningRate: lr, momentum: momentum, weightDecay: wd)
        case .lamb(let b1, let b2, let eps): return LAMB(groups, learningRate: lr, betas: (b1, b2), eps: eps, weightDecay: wd)
        }
    }
}
