import AnnealNN
import AnnealOptim

/// An optimizer with every hyperparameter decided: the shared ones (rate, weight
/// decay) and its own (`Settings`), each from the configuration or else from the
/// optimizer's own defaults (SGD's momentum: the recipe's, which was tuned with it).
public struct OptimizerPlan: Sendable, Equatable {
    /// Peak of the schedule.
    public var learningRate: Float
    /// Weight decay on weights only (not biases or normalization parameters): L2, decoupled for AdamW.
    public var weightDecay: Float
    /// The optimizer and its own hyperparameters.
    public var settings: Settings

    /// An optimizer with the hyperparameters of its own.
    public enum Settings: Sendable, Equatable {
        /// SGD with momentum (0: none), optionally Nesterov's.
        case sgd(momentum: Float, nesterov: Bool)
        /// Adam with its moment decay rates and ε.
        case adam(beta1: Float, beta2: Float, eps: Float)
        /// AdamW: Adam with decoupled weight decay.
        case adamw(beta1: Float, beta2: Float, eps: Float)
        /// RMSProp: `alpha` smooths the squared-gradient average; momentum 0 for none.
        case rmsprop(alpha: Float, eps: Float, momentum: Float)
        /// AdaGrad with ε added to the accumulated magnitude.
        case adagrad(eps: Float)
        /// LARS (layer-wise trust ratios) with momentum.
        case lars(momentum: Float)
        /// LAMB: Adam's moments with layer-wise trust ratios.
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
