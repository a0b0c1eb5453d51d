/// Float32 values with a shape, row-major: one named entry of a safetensors file,
/// kept free of any tensor type so file formats stay below the tensor layer.
public struct ShapedArray: Sendable, Equatable {
    /// Size of each dimension, outermost first; empty for a scalar.
    public var shape: [Int]
    /// The elements in row-major order; `values.count` is the product of `shape`.
    public var values: [Float]

    /// An array of `shape` holding `values` in row-major order; traps when a dimension
    /// is negative or `values.count` is not the product of `shape`.
    public init(shape: [Int], values: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "ShapedArray: negative dimension in shape \(shape)")
        precondition(shape.reduce(1, *) == values.count, "ShapedArray: shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.values = values
    }
}
