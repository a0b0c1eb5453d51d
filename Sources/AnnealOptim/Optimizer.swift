import AnnealNN
import AnnealTensor

/// The shared machinery of optimizers (MLX-Swift's `applySingle` style): it walks
/// the groups, skips frozen parameters and parameters without a gradient, keeps
/// the step counts and each parameter's named state slots, and hands every
/// parameter to `update(_:)` as raw storage. An optimizer only declares its
/// slots and writes that one elementwise update.
open class Optimizer {
    /// The groups, with every setting filled in. Settings may be edited between
    /// steps (schedules); state is kept per parameter object, and
    /// `stateDict()` numbers parameters in the groups' current order.
    public var parameterGroups: [ParameterGroup]
    /// The optimizer-wide settings that groups fall back to.
    public private(set) var defaults: Hyperparameters
    /// Calls to `step()` so far.
    public internal(set) var stepCount = 0
    /// Per-parameter state, keyed by parameter identity (the state holds the
    /// parameter, so the identity cannot be reused while the state lives).
    var states: [ObjectIdentifier: ParameterState] = [:]

    /// Creates an optimizer over `parameters`, whose groups take their unset
    /// settings from `defaults`. Stops with a message when a parameter appears
    /// twice or a setting is invalid (see `validate(_:group:)`).
    public init(_ parameters: some ParameterGroupsConvertible, defaults: Hyperparameters) {
        self.defaults = defaults
        self.parameterGroups = []
        for group in parameters.makeParameterGroups() { addParameterGroup(group) }
    }

    // MARK: What an optimizer provides

    /// Names of the state tensors kept per parameter under these settings (e.g.
    /// `["exp_avg", "exp_avg_sq"]`); each has the parameter's shape.
    open func slotNames(for hyperparameters: Hyperparameters) -> [String] { [] }

    /// The value a new slot starts at (0 unless overridden: Adagrad's accumulator).
    open func initialValue(ofSlot name: String, hyperparameters: Hyperparameters) -> Float { 0 }

    /// Checks a group's settings (stops with a message naming the bad value).
    open func validate(_ hyperparameters: Hyperparameters, group: ParameterGroup) {
        let h = hyperparameters
        precondition(h.learningRate >= 0, "\(type(of: self)): invalid learning rate \(h.learningRate) in group '\(group.name)'")
        precondition(h.weightDecay >= 0, "\(type(of: self)): invalid weight decay \(h.weightDecay) in group '\(group.name)'")
        precondition(h.momentum >= 0, "\(type(of: self)): invalid momentum \(h.momentum) in group '\(group.name)'")
        precondition(h.eps >= 0, "\(type(of: self)): invalid eps \(h.eps) in group '\(group.name)'")
        precondition((0..<1).contains(h.betas.0) && (0..<1).contains(h.betas.1),
                     "\(type(of: self)): invalid betas \(h.betas) in group '\(group.name)'")
    }

    /// Updates one parameter in place from its gradient and slots.
    open func update(_ parameter: ParameterUpdate) {
        fatalError("\(type(of: self)) must override update(_:)")
    }

    // MARK: Training-loop API

    /// Adds a group (PyTorch's `add_param_group`); its unset settings come from `defaults`.
    public func addParameterGroup(_ group: ParameterGroup) {
        var seen = Set(parameters.map(ObjectIdentifier.init))
        for p in group.parameters {
            precondition(seen.insert(ObjectIdentifier(p)).inserted,
                         "\(type(of: self)): a parameter of shape \(p.shape) appears in more than one group (or twice in group '\(group.name)')")
        }
        let resolved = group.resolved(defaults: defaults)
        validate(resolved.hyperparameters(defaults: defaults), group: resolved)
        parameterGroups.append(resolved)
    }

    /// One update of every trainable parameter that has a gradient.
    public func step() {
        stepCount += 1
        for group in parameterGroups {
            let h = group.hyperparameters(defaults: defaults)
            let names = slotNames(for: h)
            for parameter in group.parameters where !parameter.isFrozen {
                guard let gradient = parameter.grad else { continue }
                apply(parameter, gradient: gradient, hyperparameters: h, slotNames: names)
            }
        }
    }

    /// Clears the gradient of every parameter (to nil, as PyTorch's `set_to_none`).
    public func zeroGrad() {
        for group in parameterGroups { for p in group.parameters { p.zeroGrad() } }
    }

    /// Every parameter in group order: the numbering used by `stateDict()`.
    public var parameters: [Parameter] { parameterGroups.flatMap(\.parameters) }

    // MARK: Learning rate

    /// The base learning rate. Setting it scales every group proportionally:
    /// each group gets `newValue × learningRateScale`, its ratio to the base at
    /// construction (1 unless the group set its own rate), so one schedule drives
    /// groups with different rates (a fine-tuned backbone at 0.1×, say).
    public var learningRate: Float {
        get { defaults.learningRate }
        set {
            defaults.learningRate = newValue
            for g in parameterGroups.indices {
                parameterGroups[g].learningRate = newValue * (parameterGroups[g].learningRateScale ?? 1)
            }
        }
    }

    /// The learning rate of each group, in order. Setting it changes the groups
    /// only (not the base or the scales): for schedules that drive groups separately.
    public var learningRates: [Float] {
        get { parameterGroups.map { $0.hyperparameters(defaults: defaults).learningRate } }
        set {
            precondition(newValue.count == parameterGroups.count,
                         "\(type(of: self)).learningRates: \(newValue.count) rates for \(parameterGroups.count) groups")
            for (g, rate) in newValue.enumerated() { parameterGroups[g].learningRate = rate }
        }
    }

    // MARK: Per-parameter work

    private func apply(_ parameter: Parameter, gradient: Tensor, hyperparameters h: Hyperparameters, slotNames names: [String]) {
        precondition(gradient.shape == parameter.shape,
                     "\(type(of: self)).step: gradient of shape \(gradient.shape) for a parameter of shape \(parameter.shape)")
        let key = ObjectIdentifier(parameter)
        let state = states[key] ?? ParameterState(parameter)
        states[key] = state
        var created = false
        for name in names where state.slots[name] == nil {
            let initial = initialValue(ofSlot: name, hyperparameters: h)
            state.slots[name] = TensorBox(Tensor.full(initial, shape: parameter.shape))
            created = true
        }
        state.step += 1
        let boxes = names.map { state.slots[$0]! }
        let count = parameter.value.count
        gradient.withUnsafeBufferPointer { g in
            // Writing through the buffer keeps `value` the same autodiff leaf (no op recorded).
            parameter.value.withUnsafeMutableBufferPointer { p in
                TensorBox.withMutablePointers(boxes[...]) { slots in
                    update(ParameterUpdate(
                        count: count, value: p.baseAddress!, gradient: g.baseAddress!,
                        hyperparameters: h, step: state.step, slotsAreNew: created,
                        slotNames: names, slotPointers: slots))
                }
            }
        }
    }
}

/// One parameter's optimizer state: its update count and named slots.
final class ParameterState {
    let parameter: Parameter
    var step = 0
    var slots: [String: TensorBox] = [:]
    init(_ parameter: Parameter) { self.parameter = parameter }
}

/// A slot tensor in its own box, so several slots can be written at once
/// without overlapping accesses to one collection.
final class TensorBox {
    var tensor: Tensor
    init(_ tensor: Tensor) { self.tensor = tensor }

    /// Runs `body` with write access to every box's storage, in order.
    static func withMutablePointers<R>(_ boxes: ArraySlice<TensorBox>, _ collected: [UnsafeMutablePointer<Float>] = [],
                                       _ body: ([UnsafeMutablePointer<Float>]) -> R) -> R {
        guard let first = boxes.first else { return body(collected) }
        return first.tensor.withUnsafeMutableBufferPointer { buffer in
            withMutablePointers(boxes.dropFirst(), collected + [buffer.baseAddress!], body)
        }
    }
}
