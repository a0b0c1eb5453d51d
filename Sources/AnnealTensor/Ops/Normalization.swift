/// Batch normalization over axis 1 of [N, C] or [N, C, H, W].
extension Tensor {
    /// Normalizes with the batch's own mean and (biased) variance per channel,
    /// then scales and shifts; returns the statistics for running averages.
    public static func batchNorm(_ input: Tensor, scale: Tensor, shift: Tensor, epsilon: Float = 1e-5)
        -> (output: Tensor, mean: Tensor, variance: Tensor) {
        batchNorm(input, scale: scale, shift: shift, epsilon: epsilon, relu: false)
    }

    /// relu(batchNorm(…)) in one pass over the data, forward and backward
    /// (values and gradients as the two ops composed).
    public static func batchNormReLU(_ input: Tensor, scale: Tensor, shift: Tensor, epsilon: Float = 1e-5)
        -> (output: Tensor, mean: Tensor, variance: Tensor) {
        batchNorm(input, scale: scale, shift: shift, epsilon: epsilon, relu: true)
    }

    private static func batchNorm(_ input: Tensor, scale: Tensor, shift: Tensor, epsilon: Float, relu: Bool)
        -> (output: Tensor, mean: Tensor, variance: Tensor) {
        require(input.rank >= 2 && scale.shape == [input.shape[1]] && shift.shape == [input.shape[1]],
                "batchNorm: input \(input.shape) needs scale and shift of shape [\(input.rank >= 2 ? input.shape[1] : 0)], got \(scale.shape) and \(shift.shape)")
        require(input.count / input.shape[1] > 1, "batchNorm: needs more than one value per channel in training, got input \(input.shape)")
        // oneDNN takes 2-D or 4-D data; other ranks fold their trailing axes.
        let data = input.rank == 2 || input.rank == 4 ? input : input.reshape([input.shape[0], input.shape[1], -1, 1])
        let (kernel, forward) = DNNL.lock.withLock {
            let layout = data.dnnlLayout
            let k = BatchNormKernel.cache.kernel("\(layout.key)|\(data.shape)|\(epsilon)|\(relu)") {
                BatchNormKernel(layout: layout, shape: data.shape, epsilon: epsilon, relu: relu)
            }
            return (k, k.runForward(input: data, scale: scale, shift: shift))
        }
        let (mean, variance, mask) = (forward.mean, forward.variance, forward.mask)
        let output = data.shape == input.shape ? forward.output : forward.output.reshape(input.shape)
        let result = output.recorded(relu ? "batchNormReLU" : "batchNorm", [input, scale, shift]) { gradient, _ in
            let upstream = data.shape == input.shape ? gradient : gradient.reshape(data.shape)
            let grads = DNNL.lock.withLock {
                kernel.runBackward(input: data, outputGradient: upstream, scale: scale, shift: shift, mean: mean, variance: variance, mask: mask)
            }
            return [grads.input.shape == input.shape ? grads.input : grads.input.reshape(input.shape), grads.scale, grads.shift]
        }
        return (result, mean, variance)
    }

    /// Normalizes with given statistics (evaluation mode); differentiable in all inputs.
    /// `relu`: relu(…) of the result, in the same pass where oneDNN runs it.
    public static func batchNorm(_ input: Tensor, scale: Tensor, shift: Tensor, mean: Tensor, variance: Tensor,
                                 epsilon: Float = 1e-5, relu: Bool = false) -> Tensor {
        require(input.rank >= 2 && [scale, shift, mean, variance].allSatisfy { $0.shape == [input.shape[1]] },
                "batchNorm: input \(input.shape) needs per-channel scale, shift, mean and variance")
        let recording = GradMode.isEnabled && [input, scale, shift, mean, variance].contains { $0.requiresGrad }
        if !recording && (input.rank == 2 || input.rank == 4) {
            // Inference: oneDNN with the given statistics, in the input's (blocked) layout.
            return DNNL.lock.withLock {
                let layout = input.dnnlLayout
                let kernel = BatchNormInferenceKernel.cache.kernel("\(layout.key)|\(input.shape)|\(epsilon)|\(relu)") {
                    BatchNormInferenceKernel(layout: layout, shape: input.shape, epsilon: epsilon, relu: relu)
                }
                return kernel.run(input: input, scale: scale, shift: shift, mean: mean, variance: variance)
            }
        }
        var shape = [Int](repeating: 1, count: input.rank)
        shape[1] = input.shape[1]
        let factor = scale * rsqrt(variance + epsilon)
        let output = input * factor.reshape(shape) + (shift - mean * factor).reshape(shape)
        return relu ? AnnealTensor.relu(output) : output
    }

    /// Layer normalization over the trailing `axes` count of dimensions (no affine part).
    public func layerNorm(normalizedAxes count: Int, epsilon: Float = 1e-5) -> Tensor {
        require(count >= 1 && count <= rank, "layerNorm: cannot normalize the last \(count) axes of shape \(shape)")
        let axes = Array((rank - count)..<rank)
        let centered = self - mean(axes: axes, keepDims: true)
        return centered * rsqrt((centered * centered).mean(axes: axes, keepDims: true) + epsilon)
    }
}
