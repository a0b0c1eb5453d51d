/// Values held in an order a kernel library chose for them rather than row-major
/// (oneDNN's blocked layouts, kept between consecutive primitives so they skip the
/// reorders). Elementwise work runs on them in that order; everything else reads the
/// row-major copy, made once. The kernel layer supplies the conforming type
/// (`BlockedTensorData`); `Tensor` knows only this protocol.
protocol KernelOrderedValues: AnyObject, Sendable {
    /// The values in the kernel's order (as many as the tensor has: no padding).
    var values: TensorStorage { get }
    /// The values in row-major order (converted on first use, then kept).
    var rowMajor: TensorStorage { get }
    /// Whether `other` orders a tensor of the same shape the same way.
    func hasSameOrder(as other: any KernelOrderedValues) -> Bool
    /// Other values of the same shape in this order (an elementwise result).
    func withValues(_ values: TensorStorage) -> any KernelOrderedValues
}
