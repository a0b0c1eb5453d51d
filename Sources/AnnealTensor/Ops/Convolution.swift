/// 2-D convolution (cross-correlation, as PyTorch) on oneDNN.
extension Tensor {
    /// input [N, C, H, W] ⋆ weight [O, C/groups, KH, KW] (+ bias [O]) → [N, O, OH, OW].
    public static func conv2d(_ input: Tensor, weight: Tensor, bias: Tensor? = nil,
                              stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                              dilation: (Int, Int) = (1, 1), groups: Int = 1) -> Tensor {
        require(input.rank == 4 && weight.rank == 4,
                "conv2d: expects input [N, C, H, W] and weight [O, C/groups, KH, KW], got \(input.shape) and \(weight.shape)")
        let g = Convolution2DGeometry(
            batch: input.shape[0], inChannels: input.shape[1], height: input.shape[2], width: input.shape[3],
            outChannels: weight.shape[0], kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
            strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1,
            dilationH: dilation.0, dilationW: dilation.1, groups: groups, hasBias: bias != nil)
        require(groups >= 1 && g.inChannels % groups == 0 && g.outChannels % groups == 0 && weight.shape[1] == g.inChannels / groups,
                "conv2d: \(g.inChannels) input channels, \(g.outChannels) output channels and weight \(weight.shape) do not fit groups = \(groups)")
        require(stride.0 > 0 && stride.1 > 0 && dilation.0 > 0 && dilation.1 > 0 && padding.0 >= 0 && padding.1 >= 0,
                "conv2d: invalid stride \(stride), padding \(padding) or dilation \(dilation)")
        require(g.outHeight > 0 && g.outWidth > 0, "conv2d: kernel larger than padded input (\(g))")
        if let bias { require(bias.shape == [g.outChannels], "conv2d: bias \(bias.shape) for \(g.outChannels) output channels") }
        let (kernel, output) = DNNL.lock.withLock {
            let algorithm = ConvolutionAlgorithm.preferred
            let kernel = ConvolutionKernel.cache.kernel("\(g)|\(g.hasBias)|\(algorithm)") { ConvolutionKernel(g, algorithm: algorithm) }
            return (kernel, kernel.runForward(input: input, weight: weight, bias: bias))
        }
        MultiplyAdds.record(g.batch * g.outChannels * g.outHeight * g.outWidth * (g.inChannels / groups) * g.kernelHeight * g.kernelWidth,
                            input, weight)
        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return output.recorded("conv2d", inputs) { gradient, needs in
            var grads: [Tensor?] = Array(repeating: nil, count: inputs.count)
            DNNL.lock.withLock {
                if needs[0] { grads[0] = kernel.runBackwardData(outputGradient: gradient, weight: weight) }
                if needs[1] || (bias != nil && needs[2]) {
                    let (weightGradient, biasGradient) = kernel.runBackwardWeights(input: input, outputGradient: gradient)
                    grads[1] = weightGradient
                    if bias != nil { grads[2] = biasGradient }
                }
            }
            return grads
        }
    }
}
