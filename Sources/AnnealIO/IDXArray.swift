/// An n-dimensional array of unsigned bytes as stored in an IDX file: MNIST-style
/// images (`[count, rows, cols]`) or labels (`[count]`), row-major.
public struct IDXArray: Sendable, Equatable {
    /// Size of each dimension, outermost first; every entry is at least 1.
    public let dims: [Int]
    /// The elements in row-major order; `bytes.count` is the product of `dims`.
    public let bytes: [UInt8]

    /// An array of `dims` holding `bytes` in row-major order; traps unless there are
    /// 1–255 dimensions, each in `1...UInt32.max`, and `bytes.count` is their product.
    public init(dims: [Int], bytes: [UInt8]) {
        precondition(!dims.isEmpty && dims.count <= 255, "IDXArray needs 1...255 dimensions, got \(dims)")
        precondition(dims.allSatisfy { $0 >= 1 && $0 <= Int(UInt32.max) }, "IDXArray dimensions must be in 1...\(UInt32.max), got \(dims)")
        precondition(dims.reduce(1, *) == bytes.count, "IDXArray dims \(dims) need \(dims.reduce(1, *)) bytes, got \(bytes.count)")
        self.dims = dims
        self.bytes = bytes
    }
}
