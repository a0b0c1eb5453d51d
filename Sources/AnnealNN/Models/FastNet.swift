import AnnealTensor

/// The `fast` preset's network, sized for the shortest time to accuracy on 2 CPU
/// cores (after the fast CIFAR-10 networks of Page 2018 and Jordan 2024): a 3×3
/// stem, then three blocks of
///     conv 3×3 → max pool 2 → BN → ReLU → conv 3×3 → BN → ReLU
/// (pooling before batch norm normalizes a quarter of the values), global max
/// pooling and a linear classifier. No residual connections by default: at this
/// depth (7 convolutions) plain blocks train as well and run faster. With
/// `residualBlocks`, each block's second convolution becomes a `BasicBlock` (two
/// convolutions and an identity shortcut, as Jordan's 96 % CIFAR-10 network):
/// 10 convolutions, about 30 % more work per image.
/// 28×28 inputs go 28 → 14 → 7 → 3. Layers of 32 channels and more run
/// Winograd convolutions (`ConvolutionAlgorithm`).
public enum FastNet {
    /// Default widths: the stem and the three blocks. 16/32/64/128 costs 29–35 s per
    /// epoch of Fashion-MNIST on 2 cores against 75–84 s for 32/64/128/256, and gives up
    /// 0.4 points at 8 epochs (docs/accuracy.md).
    public static let defaultWidths = [16, 32, 64, 128]

    /// `stemPatch` P > 1: the stem reads non-overlapping P×P patches (stride P), so
    /// every block runs at 1/P of the resolution; `residualBlocks` ends each block
    /// with a residual pair of convolutions instead of one convolution.
    public static func make(inputShape: [Int] = [1, 28, 28], classes: Int = 10, widths: [Int] = defaultWidths, stemPatch: Int = 1,
                            residualBlocks: Bool = false) -> Sequential {
        precondition(stemPatch >= 1, "FastNet: stemPatch must be ≥ 1, got \(stemPatch)")
        precondition(inputShape.count == 3 && inputShape[1] >= 8 * stemPatch && inputShape[2] >= 8 * stemPatch,
                     "FastNet: input shape must be [C, H ≥ \(8 * stemPatch), W ≥ \(8 * stemPatch)], got \(inputShape)")
        precondition(widths.count == 4 && widths.allSatisfy { $0 > 0 }, "FastNet: needs 4 positive widths, got \(widths)")
        func convolution(_ input: Int, _ output: Int) -> Conv2d { Conv2d(input, output, kernelSize: 3, padding: 1, bias: false) }
        let stem = stemPatch == 1 ? convolution(inputShape[0], widths[0])
            : Conv2d(inputShape[0], widths[0], kernelSize: stemPatch, stride: stemPatch, bias: false)
        var layers: [Module] = [stem, BatchNorm2d(widths[0]), ReLU()]
        var height = inputShape[1] / stemPatch, width = inputShape[2] / stemPatch
        for (input, output) in zip(widths.dropLast(), widths.dropFirst()) {
            layers += [convolution(input, output), MaxPool2d(2), BatchNorm2d(output), ReLU()]
            layers += residualBlocks ? [BasicBlock(output, output)] : [convolution(output, output), BatchNorm2d(output), ReLU()]
            (height, width) = (height / 2, width / 2)
        }
        layers += [MaxPool2d(global: (height, width)), Flatten(), Linear(widths[3], classes, weightInit: .xavierNormal())]
        return Sequential(layers)
    }
}
