import AnnealNN

/// Parameters that share optimizer settings (PyTorch's `param_groups` entry).
/// A nil setting means "the optimizer's default"; when an optimizer takes the
/// group it fills every setting in, so `optimizer.parameterGroups` shows the
/// values in use and can be edited per group (e.g. by a schedule).
public struct ParameterGroup {
    /// The parameters these settings apply to (frozen ones are skipped at each step).
    public var parameters: [Parameter]
    /// For logs and reports ("decay", "no_decay", "backbone", …).
    public var name: String
    /// Absolute learning rate of this group.
    public var learningRate: Float?
    /// This group's learning rate relative to the optimizer's base rate; setting
    /// `Optimizer.learningRate` gives the group `base × scale`. Filled in from
    /// `learningRate / base` (or 1) when not given.
    public var learningRateScale: Float?
    /// Weight decay λ of this group, applied as the optimizer applies it (L2
    /// penalty or decoupled decay).
    public var weightDecay: Float?
    /// Momentum coefficient μ of this group (SGD, RMSProp, LARS).
    public var momentum: Float?
    /// Moment decay rates (β1, β2) of this group (Adam, AdamW, LAMB).
    public var betas: (Float, Float)?
    /// Term added to denominators for numerical stability in this group.
    public var eps: Float?

    /// Creates a group; every setting left nil takes the optimizer's default.
    /// Give at most one of `learningRate` (absolute) and `learningRateScale`
    /// (relative to the optimizer's base rate).
    public init(_ parameters: [Parameter], name: String = "", learningRate: Float? = nil,
                learningRateScale: Float? = nil, weightDecay: Float? = nil, momentum: Float? = nil,
                betas: (Float, Float)? = nil, eps: Float? = nil) {
        precondition(learningRate == nil || learningRateScale == nil,
                     "ParameterGroup \(name.isEmpty ? "" : "'\(name)' ")sets both learningRate and learningRateScale; give one")
        self.parameters = parameters
        self.name = name
        self.learningRate = learningRate
        self.learningRateScale = learningRateScale
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.betas = betas
        self.eps = eps
    }

    /// The settings for one update: this group's values over `defaults`.
    public func hyperparameters(defaults: Hyperparameters) -> Hyperparameters {
        Hyperparameters(
            learningRate: learningRate ?? defaults.learningRate * (learningRateScale ?? 1),
            weightDecay: weightDecay ?? defaults.weightDecay,
            momentum: momentum ?? defaults.momentum,
            betas: betas ?? defaults.betas,
            eps: eps ?? defaults.eps)
    }

    /// This group with every setting filled in from `defaults`.
    func resolved(defaults: Hyperparameters) -> ParameterGroup {
        var group = self
        if learningRateScale == nil {
            if let rate = learningRate {
                // A scale is needed so that setting the base rate keeps the group's ratio.
                precondition(defaults.learningRate > 0 || rate == 0,
                             "ParameterGroup '\(name)': learningRate \(rate) with a base learning rate of 0 has no ratio; give learningRateScale")
                group.learningRateScale = defaults.learningRate > 0 ? rate / defaults.learningRate : 1
            } else {
                group.learningRateScale = 1
            }
        }
        let resolved = group.hyperparameters(defaults: defaults)
        group.learningRate = resolved.learningRate
        group.weightDecay = resolved.weightDecay
        group.momentum = resolved.momentum
        group.betas = resolved.betas
        group.eps = resolved.eps
        return group
    }
}

/// What optimizers accept: a plain parameter list (one group), a list of
/// groups, or a module (all its parameters; frozen ones are skipped at each
/// step, so unfreezing later needs no new optimizer).
public protocol ParameterGroupsConvertible {
    /// The groups to optimize, with unset settings still nil (the optimizer fills them in).
    func makeParameterGroups() -> [ParameterGroup]
}

/// An element of an array optimizers accept (`[Parameter]` or `[ParameterGroup]`).
public protocol ParameterGroupsElement {
    /// The groups an array of these elements stands for.
    static func makeParameterGroups(_ elements: [Self]) -> [ParameterGroup]
}

extension Parameter: ParameterGroupsElement {
    /// One group holding all of `elements`, on the optimizer's defaults.
    public static func makeParameterGroups(_ elements: [Parameter]) -> [ParameterGroup] {
        [ParameterGroup(elements)]
    }
}

extension ParameterGroup: ParameterGroupsElement {
    /// The groups as given.
    public static func makeParameterGroups(_ elements: [ParameterGroup]) -> [ParameterGroup] { elements }
}

extension Array: ParameterGroupsConvertible where Element: ParameterGroupsElement {
    /// One group for a parameter list; the groups themselves for a list of groups.
    public func makeParameterGroups() -> [ParameterGroup] { Element.makeParameterGroups(self) }
}

extension Module: ParameterGroupsConvertible {
    /// One group with all the module's parameters, frozen ones included (each step skips them).
    public func makeParameterGroups() -> [ParameterGroup] { [ParameterGroup(parameters)] }
}
