import AnnealTensor

/// A layer that can apply the ReLU after it in the same pass over the data
/// (Linear: a oneDNN post-op; BatchNorm: oneDNN's fused norm-ReLU), with values
/// and gradients equal to `relu(layer(x))`.
public protocol ReLUFusing: Module {
    /// relu(forward(input)) in one pass.
    func forwardReLU(_ input: Tensor) -> Tensor
}

extension ReLUFusing {
    /// relu(self(input)), fused unless a hook must see the layer's own output or the ReLU's.
    public func callWithReLU(_ input: Tensor) -> Tensor {
        guard forwardHook != nil || fusedActivationHook != nil else { return forwardReLU(input) }
        let output = relu(self(input))
        fusedActivationHook?(output)
        return output
    }
}
