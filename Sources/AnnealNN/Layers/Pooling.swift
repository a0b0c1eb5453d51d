import AnnealTensor

/// Max pooling (stride defaults to the kernel size).
public final class MaxPool2d: Module {
    /// Window size, stride and padding (on each side), each as (height, width).
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    /// A square `kernelSize` window moved by `stride` (nil: the window size, so windows
    /// do not overlap), over input padded by `padding` (at most half the window).
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernelSize = (kernelSize, kernelSize)
        self.stride = (stride ?? kernelSize, stride ?? kernelSize)
        self.padding = (padding, padding)
    }
    /// One window over a whole `height × width` map: global max pooling.
    public init(global size: (height: Int, width: Int)) {
        kernelSize = (size.height, size.width)
        stride = kernelSize
        padding = (0, 0)
    }
    /// The maximum of each window of [N, C, H, W] input: [N, C, OH, OW] with
    /// OH = ⌊(H + 2·padding − kernel) / stride⌋ + 1 (OW likewise).
    public override func forward(_ input: Tensor) -> Tensor { input.maxPool2d(kernel: kernelSize, stride: stride, padding: padding) }
}

/// Average pooling (count_include_pad as PyTorch's default).
public final class AvgPool2d: Module {
    /// Window size, stride and zero padding (on each side), each as (height, width).
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    /// Whether padded zeros count in a window's divisor (true, PyTorch's default:
    /// always divide by the full window size).
    public let countIncludePad: Bool
    /// A square `kernelSize` window moved by `stride` (nil: the window size), over
    /// input zero-padded by `padding` (at most half the window).
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true) {
        self.kernelSize = (kernelSize, kernelSize)
        self.stride = (stride ?? kernelSize, stride ?? kernelSize)
        self.padding = (padding, padding)
        self.countIncludePad = countIncludePad
    }
    /// The mean of each window of [N, C, H, W] input: [N, C, OH, OW] with
    /// OH = ⌊(H + 2·padding − kernel) / stride⌋ + 1 (OW likewise).
    public override func forward(_ input: Tensor) -> Tensor {
        input.avgPool2d(kernel: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad)
    }
}

/// Average pooling to a fixed output size; (1, 1) is global average pooling.
public final class AdaptiveAvgPool2d: Module {
    /// (OH, OW), the output's spatial size whatever the input's.
    public let outputSize: (Int, Int)
    /// Pooling to `outputSize` (default (1, 1): global average pooling).
    public init(_ outputSize: (Int, Int) = (1, 1)) { self.outputSize = outputSize }
    /// [N, C, H, W] → [N, C, OH, OW]; output row i averages input rows
    /// ⌊i·H/OH⌋ ..< ⌈(i+1)·H/OH⌉, and columns likewise.
    public override func forward(_ input: Tensor) -> Tensor { input.adaptiveAvgPool2d(outputSize) }
}
