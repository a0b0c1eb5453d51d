import AnnealTensor

/// A trainable tensor owned by a module. Reference-typed so optimizers update it
/// in place and every holder sees the new value.
public final class Parameter {
    /// The current value: a leaf that requires grad unless the parameter is frozen.
    public var value: Tensor
    /// Frozen parameters get no gradient and optimizers skip them.
    public private(set) var isFrozen = false

    /// A trainable parameter holding `value` as a new leaf that requires grad.
    public init(_ value: Tensor) {
        self.value = value.requiringGrad()
    }

    /// The value's shape.
    public var shape: [Int] { value.shape }
    /// The gradient accumulated by `backward()`: nil before the first backward pass,
    /// after `zeroGrad()`, and while frozen.
    public var grad: Tensor? { value.grad }
    /// Clears the accumulated gradient.
    public func zeroGrad() { value.zeroGrad() }

    /// Replaces the values (not recorded; keeps the parameter a leaf).
    public func assign(_ newValue: Tensor) {
        precondition(newValue.shape == value.shape, "Parameter.assign: shape \(newValue.shape) for a parameter of shape \(value.shape)")
        value = newValue.detached().requiringGrad(!isFrozen)
    }

    /// Freezes the parameter (`frozen` true) or unfreezes it: the value becomes a new
    /// leaf, requiring grad only when unfrozen, and any accumulated gradient is dropped.
    public func freeze(_ frozen: Bool = true) {
        isFrozen = frozen
        value = value.detached().requiringGrad(!frozen)
    }
}

/// Non-trainable state saved with the model (batch-norm running statistics).
public final class Buffer {
    /// The stored tensor, replaced whole when it changes (by batch norm after each
    /// training batch, by `loadStateDict`).
    public var value: Tensor
    /// A buffer holding `value`, cut from the autodiff graph.
    public init(_ value: Tensor) { self.value = value.detached() }
}
