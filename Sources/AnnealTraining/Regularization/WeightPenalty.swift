import AnnealData
import AnnealNN
import AnnealOptim
import AnnealTensor

/// L1, L2 and elastic-net penalties on the weights, added to the loss:
///
///     L2: (λ₂/2)·Σ w²    gradient λ₂·w        (the same step as coupled weight decay λ₂)
///     L1:  λ₁·Σ |w|      gradient λ₁·sign(w)  (0 at w = 0)
///     elastic net: both terms
///
/// The ½ in L2 makes λ₂ mean what `weightDecay` means to SGD and Adam, so
/// `--l2 x` and `--weight-decay x` take the same step with plain SGD.
/// By default biases and normalization parameters (1-D parameters, the split of
/// `ParameterGroup.weightDecayGroups`) get no penalty: shrinking them toward 0
/// does not regularize; `includeBiasesAndNorms` penalizes them too. Frozen
/// parameters are skipped. For different coefficients per part of a network,
/// build `Group`s and use `penalty(_:)`.
public struct WeightPenalty: Sendable, Equatable {
    /// λ₁, the coefficient of Σ|w| (0: no L1 term).
    public var l1: Float
    /// λ₂, the coefficient of (λ₂/2)·Σw² (0: no L2 term).
    public var l2: Float
    /// Whether biases and normalization parameters are penalized too (default: not).
    public var includeBiasesAndNorms: Bool

    /// A penalty with coefficients `l1` and `l2` (finite, ≥ 0; both 0: no penalty).
    public init(l1: Float = 0, l2: Float = 0, includeBiasesAndNorms: Bool = false) {
        precondition(l1 >= 0 && l1.isFinite && l2 >= 0 && l2.isFinite, "WeightPenalty: coefficients must be finite and ≥ 0, got l1 \(l1), l2 \(l2)")
        self.l1 = l1
        self.l2 = l2
        self.includeBiasesAndNorms = includeBiasesAndNorms
    }

    /// Elastic net (Zou & Hastie 2005): λ₁·Σ|w| + (λ₂/2)·Σw².
    public static func elasticNet(l1: Float, l2: Float, includeBiasesAndNorms: Bool = false) -> WeightPenalty {
        WeightPenalty(l1: l1, l2: l2, includeBiasesAndNorms: includeBiasesAndNorms)
    }

    /// True when both coefficients are 0 (nothing to add).
    public var isZero: Bool { l1 == 0 && l2 == 0 }

    /// Parameters that share penalty coefficients.
    public struct Group {
        /// The parameters penalized (frozen ones are skipped when the penalty is computed).
        public var parameters: [Parameter]
        /// A label for messages ("decay", "no_decay" from `groups(of:)`).
        public var name: String
        /// λ₁ of this group.
        public var l1: Float
        /// λ₂ of this group, as in (λ₂/2)·Σw².
        public var l2: Float

        /// A group of `parameters` with coefficients `l1` and `l2` (≥ 0; default 0: no penalty).
        public init(_ parameters: [Parameter], name: String = "", l1: Float = 0, l2: Float = 0) {
            precondition(l1 >= 0 && l2 >= 0, "WeightPenalty.Group '\(name)': coefficients must be ≥ 0, got l1 \(l1), l2 \(l2)")
            self.parameters = parameters
            self.name = name
            self.l1 = l1
            self.l2 = l2
        }
    }

    /// The model's trainable parameters as a "decay" group with these
    /// coefficients and a "no_decay" group (biases, normalization) with none,
    /// unless `includeBiasesAndNorms`.
    public func groups(of model: Module) -> [Group] {
        ParameterGroup.weightDecayGroups(of: model, decayBiases: includeBiasesAndNorms,
                                         decayNormalization: includeBiasesAndNorms).map { group in
            group.name == "decay" ? Group(group.parameters, name: group.name, l1: l1, l2: l2)
                                  : Group(group.parameters, name: group.name)
        }
    }

    /// The penalty of `model`'s parameters (a scalar, recorded for backward).
    public func callAsFunction(_ model: Module) -> Tensor {
        WeightPenalty.penalty(groups(of: model))
    }

    /// Σ over groups of λ₁·Σ|w| + (λ₂/2)·Σw² (a scalar, recorded for backward).
    public static func penalty(_ groups: [Group]) -> Tensor {
        var total = Tensor(0)
        for group in groups {
            for parameter in group.parameters where !parameter.isFrozen {
                let w = parameter.value
                if group.l2 != 0 { total = total + (w * w).sum() * (group.l2 / 2) }
                if group.l1 != 0 { total = total + abs(w).sum() * group.l1 }
            }
        }
        return total
    }

    /// `loss` plus this penalty on `model`, for `Trainer.lossFunction`:
    ///
    ///     trainer.lossFunction = WeightPenalty(l2: 5e-4).addingTo(trainer.lossFunction, model: model)
    ///
    /// The penalty is added only while `model` is in training mode, so the
    /// reported training loss includes it and evaluation losses do not. The
    /// groups are fixed here, when wrapping.
    public func addingTo(_ loss: @escaping (Tensor, Batch) -> Tensor, model: Module) -> (Tensor, Batch) -> Tensor {
        guard !isZero else { return loss }
        let groups = groups(of: model)
        return { logits, batch in
            let base = loss(logits, batch)
            return model.isTraining ? base + WeightPenalty.penalty(groups) : base
        }
    }
}
