/// The regularizers an ablation compares, each switched on alone over a common
/// unregularized base (no weight decay, dropout, augmentation or smoothing; the
/// standard architecture).
public enum RegularizationTechnique: String, CaseIterable, Codable, Sendable {
    case none, l2, l1, elastic
    case weightDecay = "weight-decay"
    case dropout, dropconnect
    case stochasticDepth = "stochastic-depth"
    case fractionalPool = "fractional-pool"
    case cutout, mixup
    case labelSmoothing = "label-smoothing"
    case maxNorm = "max-norm"
    case augment
    case batchnormOff = "batchnorm-off"

    /// The default set of an ablation.
    public static let standard: [RegularizationTechnique] = [.none, .l2, .l1, .elastic, .dropout, .dropconnect, .fractionalPool,
                                                             .cutout, .mixup, .labelSmoothing, .batchnormOff]

    /// `base` with every regularizer off and this one on, or nil where it does not
    /// apply to the preset. A strength set in `base` (L1, L2, dropout, label
    /// smoothing) replaces the default one.
    public func variant(of base: RunConfig) -> RunConfig? {
        let preset = base.model.name
        let l1 = base.regularization.l1 > 0 ? base.regularization.l1 : 2e-5
        let l2 = base.regularization.l2 > 0 ? base.regularization.l2 : 1e-3
        let dropout = base.model.dropout.flatMap { $0 > 0 ? $0 : nil } ?? 0.5
        let smoothing = base.regularization.labelSmoothing.flatMap { $0 > 0 ? $0 : nil } ?? 0.1
        var v = base.unregularized
        // Every row shares the standard architecture; pooling and batch norm are rows of their own.
        v.model.pool = nil
        v.model.batchNorm = nil
        switch self {
        case .none: break
        case .l2: v.regularization.l2 = l2
        case .l1: v.regularization.l1 = l1
        case .elastic: (v.regularization.l1, v.regularization.l2) = (l1, l2)
        case .weightDecay: v.optimizer.weightDecay = 5e-4
        case .dropout:
            guard preset.hasHiddenLinear else { return nil }
            v.model.dropout = dropout
        case .dropconnect:
            guard preset.hasHiddenLinear else { return nil }
            v.model.dropConnect = 0.5
        case .stochasticDepth:
            guard preset.isResidual else { return nil }
            v.model.stochasticDepth = 0.2
        case .fractionalPool:
            guard preset == .cnn else { return nil }
            v.model.pool = .fractional
        case .cutout: v.data.augment = "cutout:8"
        case .mixup: v.data.augment = "mixup:0.2"
        case .labelSmoothing: v.regularization.labelSmoothing = smoothing
        case .maxNorm: v.regularization.maxNorm = 3
        case .augment: v.data.augment = "crop:2,flip"
        case .batchnormOff:
            guard preset == .cnn else { return nil }
            v.model.batchNorm = false
        }
        return v
    }

    /// What the variant trained with, in words.
    public func description(in v: RunConfig) -> String {
        switch self {
        case .none: "no regularization"
        case .l2: "L2 penalty \(v.regularization.l2)"
        case .l1: "L1 penalty \(v.regularization.l1)"
        case .elastic: "L1 \(v.regularization.l1) + L2 \(v.regularization.l2)"
        case .weightDecay: "SGD weight decay 5e-4"
        case .dropout: "dropout \(v.model.dropout ?? 0)"
        case .dropconnect: "DropConnect 0.5 on the hidden Linear"
        case .stochasticDepth: "stochastic depth 0.2 (resnet)"
        case .fractionalPool: "fractional max pooling √2 (cnn)"
        case .cutout: "Cutout 8×8"
        case .mixup: "Mixup α = 0.2"
        case .labelSmoothing: "label smoothing \(v.regularization.labelSmoothing ?? 0)"
        case .maxNorm: "max-norm 3"
        case .augment: "crop 2 + flip"
        case .batchnormOff: "batch norm removed (cnn)"
        }
    }
}
