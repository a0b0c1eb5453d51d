/// Max and average pooling on oneDNN; adaptive average pooling in Swift.
extension Tensor {
    /// Max pooling over [N, C, H, W] windows (stride defaults to the kernel size).
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) -> Tensor {
        pool(.max, kernel: kernel, stride: stride ?? kernel, padding: padding, op: "maxPool2d")
    }

    /// Average pooling; `countIncludePad` divides by the full window as PyTorch's default.
    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                          countIncludePad: Bool = true) -> Tensor {
        pool(countIncludePad ? .averageIncludingPadding : .averageExcludingPadding,
             kernel: kernel, stride: stride ?? kernel, padding: padding, op: "avgPool2d")
    }

    private func pool(_ kind: Pooling2DGeometry.Kind, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), op: String) -> Tensor {
        require(rank == 4, "\(op): expects [N, C, H, W], got \(shape)")
        require(kernel.0 > 0 && kernel.1 > 0 && stride.0 > 0 && stride.1 > 0 && padding.0 >= 0 && padding.1 >= 0
                && padding.0 * 2 <= kernel.0 && padding.1 * 2 <= kernel.1,
                "\(op): invalid kernel \(kernel), stride \(stride) or padding \(padding) (padding at most half the kernel)")
        let g = Pooling2DGeometry(kind: kind, input: shape, kernel: [kernel.0, kernel.1], stride: [stride.0, stride.1],
                                  padding: [padding.0, padding.1])
        require(g.output[2] > 0 && g.output[3] > 0, "\(op): window larger than the padded input (\(g))")
        // Only a pass that records the graph needs max pooling's argmax workspace.
        let training = GradMode.isEnabled && node != nil
        let (kernel, forward) = DNNL.lock.withLock {
            let layout = dnnlLayout
            let k = PoolingKernel.cache.kernel("\(g)|\(layout.key)|\(training)") { PoolingKernel(g, source: layout, training: training) }
            return (k, k.runForward(input: self))
        }
        let workspace = forward.workspace
        return forward.output.recorded(op, [self]) { gradient, _ in
            [DNNL.lock.withLock { kernel.runBackward(outputGradient: gradient, workspace: workspace) }]
        }
    }

    /// Average pooling to a fixed output size: window i covers
    /// [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉), as `torch.nn.AdaptiveAvgPool2d`.
    public func adaptiveAvgPool2d(_ size: (Int, Int)) -> Tensor {
        require(rank == 4 && size.0 > 0 && size.1 > 0, "adaptiveAvgPool2d: expects [N, C, H, W] and a positive size, got \(shape) and \(size)")
        let (h, w) = (shape[2], shape[3])
        if size == (1, 1) { return mean(axes: [2, 3], keepDims: true) }
        let rowWindows = (0..<size.0).map { ($0 * h / size.0, (($0 + 1) * h + size.0 - 1) / size.0) }
        let columnWindows = (0..<size.1).map { ($0 * w / size.1, (($0 + 1) * w + size.1 - 1) / size.1) }
        // As a fixed linear map [H·W] → [OH·OW], applied with one matmul per image.
        var weights = [Float](repeating: 0, count: h * w * size.0 * size.1)
        for (i, rows) in rowWindows.enumerated() {
            for (j, columns) in columnWindows.enumerated() {
                let area = Float((rows.1 - rows.0) * (columns.1 - columns.0))
                for y in rows.0..<rows.1 { for x in columns.0..<columns.1 { weights[(y * w + x) * size.0 * size.1 + i * size.1 + j] = 1 / area } }
            }
        }
        let map = Tensor(weights, shape: [h * w, size.0 * size.1])
        return reshape([shape[0] * shape[1], h * w]).matmul(map).reshape([shape[0], shape[1], size.0, size.1])
    }
}
