import AnnealTensor

/// Max pooling (stride defaults to the kernel size).
public final class MaxPool2d: Module {
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)
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
    public override func forward(_ input: Tensor) -> Tensor { input.maxPool2d(kernel: kernelSize, stride: stride, padding: padding) }
}

/// Average pooling (count_include_pad as PyTorch's default).
public final class AvgPool2d: Module {
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    public let countIncludePad: Bool
    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0, countIncludePad: Bool = true) {
        self.kernelSize = (kernelSize, kernelSize)
        self.stride = (stride ?? kernelSize, stride ?? kernelSize)
        self.padding = (padding, padding)
        self.countIncludePad = countIncludePad
    }
    public override func forward(_ input: Tensor) -> Tensor {
        input.avgPool2d(kernel: kernelSize, stride: stride, padding: padding, countIncludePad: countIncludePad)
    }
}

/// Average pooling to a fixed output size; (1, 1) is global average pooling.
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: (Int, Int)
    public init(_ outputSize: (Int, Int) = (1, 1)) { self.outputSize = outputSize }
    public override func forward(_ input: Tensor) -> Tensor { input.adaptiveAvgPool2d(outputSize) }
}
