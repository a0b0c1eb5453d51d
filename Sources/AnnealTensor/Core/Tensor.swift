/// An N-dimensional Float32 array, row-major, with value semantics (copy-on-write
/// over aligned storage) and define-by-run reverse-mode autodiff.
public struct Tensor: @unchecked Sendable {
    // @unchecked: storage is copy-on-write and the grad node is only touched by
    // the thread running the forward/backward pass.
    /// The dimensions, outermost first: `[]` for a scalar, `[N, features]` for a
    /// batch of vectors, `[N, C, H, W]` for a batch of images.
    public private(set) var shape: [Int]
    /// Where the values live: plain row-major storage, or (between kernels that
    /// keep an order of their own) `KernelOrderedValues`, made row-major on first plain use.
    var representation: Representation
    /// The autodiff node: a leaf that collects `grad`, or the op that made this tensor.
    var node: GradNode?

    enum Representation {
        case plain(TensorStorage)
        case kernelOrdered(any KernelOrderedValues)
    }

    /// A tensor over existing storage (internal: ops build their results this way).
    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        representation = .plain(storage)
    }

    init(shape: [Int], representation: Representation) {
        self.shape = shape
        self.representation = representation
    }

    /// The plain row-major values (kernel-ordered values convert once, on first use).
    @usableFromInline var storage: TensorStorage {
        switch representation {
        case .plain(let storage): storage
        case .kernelOrdered(let values): values.rowMajor
        }
    }

    /// Uninitialized tensor of `shape` (internal: every op fills its output).
    init(uninitialized shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(count: Shape.count(shape)))
    }

    /// A tensor from values in row-major order.
    public init(_ values: [Float], shape: [Int]) {
        require(shape.allSatisfy { $0 >= 0 } && Shape.count(shape) == values.count,
                "Tensor(_:shape:): \(values.count) values do not fill shape \(shape)")
        self.init(uninitialized: shape)
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A 1-D tensor.
    public init(_ values: [Float]) { self.init(values, shape: [values.count]) }

    /// A 2-D tensor from rows of equal length.
    public init(_ rows: [[Float]]) {
        let columns = rows.first?.count ?? 0
        require(rows.allSatisfy { $0.count == columns }, "Tensor(rows): rows have different lengths")
        self.init(rows.flatMap { $0 }, shape: [rows.count, columns])
    }

    /// A scalar (rank-0) tensor.
    public init(_ value: Float) { self.init([value], shape: []) }

    /// The number of dimensions (0 for a scalar).
    public var rank: Int { shape.count }
    /// The number of elements: the product of `shape` (1 for a scalar).
    public var count: Int { Shape.count(shape) }
    /// Row-major values.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The single value of a one-element tensor.
    public func item() -> Float {
        require(count == 1, "item(): tensor of shape \(shape) has \(count) elements, not 1")
        return storage.pointer[0]
    }

    /// Element at a multi-index (for tests and small tensors).
    public subscript(index: Int...) -> Float {
        get { storage.pointer[flatIndex(index)] }
        set {
            let offset = flatIndex(index)
            makeUnique()
            storage.pointer[offset] = newValue
        }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        require(index.count == rank, "subscript: \(index.count) indices for shape \(shape)")
        var offset = 0
        for (axis, i) in index.enumerated() {
            require(i >= 0 && i < shape[axis], "subscript: index \(index) out of range for shape \(shape)")
            offset = offset * shape[axis] + i
        }
        return offset
    }

    /// Makes the storage plain and owned by this tensor alone, before a write.
    @usableFromInline
    mutating func makeUnique() {
        switch representation {
        case .plain(var storage):
            representation = .plain(Tensor.placeholder)   // drop our second reference while checking
            if !isKnownUniquelyReferenced(&storage) {
                storage = TensorStorage(copying: storage.pointer, count: storage.count)
            }
            representation = .plain(storage)
        case .kernelOrdered(let values):
            representation = .plain(TensorStorage(copying: values.rowMajor.pointer, count: count))
        }
    }

    private static let placeholder = TensorStorage(count: 0)

    /// Read access to the row-major values.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// In-place write access (copies first if the storage is shared). Not recorded
    /// by autodiff: for optimizers, initializers and kernels.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// True when both tensors share one buffer (no copy was made).
    public func sharesStorage(with other: Tensor) -> Bool {
        switch (representation, other.representation) {
        case (.plain(let a), .plain(let b)): a === b
        case (.kernelOrdered(let a), .kernelOrdered(let b)): a === b
        default: false
        }
    }
}

extension Tensor: CustomStringConvertible {
    /// `Tensor(shape: …, values)` with the values nested by axis; an axis longer
    /// than 12 shows its first 6 and last 3 entries.
    public var description: String {
        let values = scalars
        func render(_ axis: Int, _ offset: Int) -> String {
            if axis == rank { return "\(values[offset])" }
            let step = Shape.count(Array(shape[(axis + 1)...]))
            let items = (0..<shape[axis]).map { render(axis + 1, offset + $0 * step) }
            if items.count > 12 {
                return "[" + items.prefix(6).joined(separator: ", ") + ", …, " + items.suffix(3).joined(separator: ", ") + "]"
            }
            return "[" + items.joined(separator: ", ") + "]"
        }
        return "Tensor(shape: \(shape), \(render(0, 0)))"
    }
}

extension Tensor: Equatable {
    /// Same shape and same values (autodiff state is ignored).
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.shape == rhs.shape && (lhs.sharesStorage(with: rhs) || lhs.scalars == rhs.scalars)
    }
}

