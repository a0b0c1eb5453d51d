/// Shape arithmetic shared by every op: element counts, row-major strides,
/// NumPy broadcasting and axis normalization.
public enum Shape {
    /// The number of elements of a tensor of `shape`: the product of its
    /// dimensions (1 for the scalar shape `[]`).
    @inlinable
    public static func count(_ shape: [Int]) -> Int { shape.reduce(1, *) }

    /// Row-major (C order) strides in elements.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// The NumPy broadcast of two shapes, or an error naming the op and both shapes.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws(ShapeError) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { result[i] = da }
            else if da == 1 { result[i] = db }
            else { throw ShapeError("\(op): shapes \(a) and \(b) are not broadcastable (axis \(i): \(da) vs \(db))") }
        }
        return result
    }

    /// Strides for reading a tensor of `shape` as if it had the (broadcast) shape
    /// `target`: 0 along broadcast axes.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        return (0..<target.count).map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// Resolves a possibly negative axis, or throws naming the op and the shape.
    public static func axis(_ axis: Int, rank: Int, op: String) throws(ShapeError) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw ShapeError("\(op): axis \(axis) is out of range for a tensor of rank \(rank)")
        }
        return resolved
    }
}

/// A shape mismatch or invalid axis: a programmer error. Ops stop with its message;
/// the throwing shape helpers let callers validate first.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
    /// The message, naming the op and the shapes or axis involved.
    public let description: String
    /// An error with the message `description`.
    public init(_ description: String) { self.description = description }
}

/// Stops with the shape error's message (ops treat shape errors as programmer errors).
@inline(never)
func shapeFailure(_ error: ShapeError, file: StaticString = #file, line: UInt = #line) -> Never {
    fatalError(error.description, file: file, line: line)
}

/// Evaluates a throwing shape check, stopping with its message on failure.
@inline(__always)
func checked<T>(_ body: () throws(ShapeError) -> T) -> T {
    do { return try body() } catch { shapeFailure(error) }
}

/// Stops with `message` (naming the op and shapes) unless `condition` holds.
@inline(__always)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { shapeFailure(ShapeError(message())) }
}
