import AnnealTensor

/// A trainable tensor owned by a module. Reference-typed so optimizers update it
/// in place and every holder sees the new value.
public final class Parameter {
    /// The current value: a leaf that requires grad unless the parameter is frozen.
    public var value: Tensor
    /// Frozen parameters get no gradient and optimizers skip them.
    public private(set) var isFrozen = false

    public init(_ value: Tensor) {
        self.value = value.requiringGrad()
    }

    public var shape: [Int] { value.shape }
    public var grad: Tensor? { value.grad }
    public func zeroGrad() { value.zeroGrad() }

    /// Replaces the values (not recorded; keeps the parameter a leaf).
    public func assign(_ newValue: Tensor) {
        precondition(newValue.shape == value.shape, "Parameter.assign: shape \(newValue.shape) for a parameter of shape \(value.shape)")
        value = newValue.detached().requiringGrad(!isFrozen)
    }

    public func freeze(_ frozen: Bool = true) {
        isFrozen = frozen
        value = value.detached().requiringGrad(!frozen)
    }
}

/// Non-trainable state saved with the model (batch-norm running statistics).
public final class Buffer {
    public var value: Tensor
    public init(_ value: Tensor) { self.value = value.detached() }
}
