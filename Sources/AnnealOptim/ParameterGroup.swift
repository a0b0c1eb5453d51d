import AnnealNN

/// Parameters that share optimizer settings (PyTorch's `param_groups` entry).
/// A nil setting means "the optimizer's default"; when an optimizer takes the
/// group it fills every setting in, so `optimizer.parameterGroups` shows the
/// values in use and can be edited per group (e.g. by a schedule).
public struct ParameterGroup {
    public var parameters: [Parameter]
    /// For logs and reports ("decay", "no_decay", "backbone", …).
    public var name: String
    /// Absolute learning rate of this group.
    public var learningRate: Float?
    /// This group's learning rate relative to the optimizer's base rate; setting
    /// `Optimizer.learningRate` gives the group `base × scale`. Filled in from
    /// `learningRate / base` (or 1) when not given.
    public var learningRateScale: Float?
    public var weightDecay: Float?
    public var momentum: Float?
    public var betas: (Float, Float)?
    public var eps: Float?

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
    func makeParameterGroups() -> [ParameterGroup]
}

/// An element of an array optimizers accept (`[Parameter]` or `[ParameterGroup]`).
public protocol ParameterGroupsElement {
    static func makeParameterGroups(_ elements: [Self]) -> [ParameterGroup]
}

extension Parameter: ParameterGroupsElement {
    public static func makeParameterGroups(_ elements: [Parameter]) -> [ParameterGroup] {
        [ParameterGroup(elements)]
    }
}

extension ParameterGroup: ParameterGroupsElement {
    public static func makeParameterGroups(_ elements: [ParameterGroup]) -> [ParameterGroup] { elements }
}

extension Array: ParameterGroupsConvertible where Element: ParameterGroupsElement {
    public func makeParameterGroups() -> [ParameterGroup] { Element.makeParameterGroups(self) }
}

extension Module: ParameterGroupsConvertible {
    public func makeParameterGroups() -> [ParameterGroup] { [ParameterGroup(parameters)] }
}
