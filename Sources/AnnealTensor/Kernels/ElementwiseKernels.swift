import Foundation

/// A scalar function of two floats, specialized into the broadcast loop.
protocol BinaryKernel {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// A scalar function of one float, specialized into the contiguous loop.
protocol UnaryKernel {
    func callAsFunction(_ x: Float) -> Float
}

/// Elementwise work per thread chunk: small tensors stay on one thread.
let elementwiseGrain = 1 << 15

/// out = kernel(x) over contiguous storage. A kernel-ordered input (oneDNN's
/// blocked layout) gives an output in the same order: elementwise work does not care.
func mapUnary<K: UnaryKernel>(_ x: Tensor, _ kernel: K) -> Tensor {
    let (source, result) = x.elementwiseOperands()
    let target = result.storage.pointer
    Threads.parallelFor(x.count, grain: elementwiseGrain) { range in
        for i in range { target[i] = kernel(source[i]) }
    }
    return result.finishedElementwise(like: x)
}

extension Tensor {
    /// The values to read in storage order, and an output of the same size.
    func elementwiseOperands() -> (UnsafeMutablePointer<Float>, Tensor) {
        if case .kernelOrdered(let values) = representation { return (values.values.pointer, Tensor(uninitialized: [count])) }
        return (storage.pointer, Tensor(uninitialized: shape))
    }

    /// Wraps an elementwise result computed in `other`'s storage order.
    func finishedElementwise(like other: Tensor) -> Tensor {
        guard case .kernelOrdered(let values) = other.representation else { return self }
        return Tensor(shape: other.shape, representation: .kernelOrdered(values.withValues(storage)))
    }

    /// Whether two same-shape tensors hold their values in the same kernel order.
    func sharesKernelOrder(with other: Tensor) -> Bool {
        if case .kernelOrdered(let a) = representation, case .kernelOrdered(let b) = other.representation { return a.hasSameOrder(as: b) }
        return false
    }
}

/// out = kernel(a, b) with NumPy broadcasting.
func mapBinary<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, _ kernel: K, op: String) -> Tensor {
    if a.shape == b.shape && a.sharesKernelOrder(with: b) {
        let (pa, result) = a.elementwiseOperands()
        guard case .kernelOrdered(let bValues) = b.representation else { fatalError("unreachable: orders checked above") }
        let pb = bValues.values.pointer
        let out = result.storage.pointer
        Threads.parallelFor(a.count, grain: elementwiseGrain) { range in
            for i in range { out[i] = kernel(pa[i], pb[i]) }
        }
        return result.finishedElementwise(like: a)
    }
    let pa = a.storage.pointer, pb = b.storage.pointer
    if a.shape == b.shape {
        let result = Tensor(uninitialized: a.shape)
        let out = result.storage.pointer
        Threads.parallelFor(a.count, grain: elementwiseGrain) { range in
            for i in range { out[i] = kernel(pa[i], pb[i]) }
        }
        return result
    }
    let shape = checked { () throws(ShapeError) in try Shape.broadcast(a.shape, b.shape, op: op) }
    let result = Tensor(uninitialized: shape)
    let out = result.storage.pointer
    let loop = StridedLoop(shape: shape, strides: [
        Shape.strides(shape), Shape.broadcastStrides(a.shape, to: shape), Shape.broadcastStrides(b.shape, to: shape),
    ])
    let (_, sa, sb) = loop.innerStrides
    loop.forEachRow { o, ia, ib, n in
        let z = out + o, x = pa + ia, y = pb + ib
        if sa == 1 && sb == 1 {
            for i in 0..<n { z[i] = kernel(x[i], y[i]) }
        } else if sa == 1 && sb == 0 {
            let v = y[0]
            for i in 0..<n { z[i] = kernel(x[i], v) }
        } else if sa == 0 && sb == 1 {
            let v = x[0]
            for i in 0..<n { z[i] = kernel(v, y[i]) }
        } else {
            for i in 0..<n { z[i] = kernel(x[i * sa], y[i * sb]) }
        }
    }
    return result
}

struct Add: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b } }
struct Subtract: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b } }
struct Multiply: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b } }
struct Divide: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b } }
struct Power: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { powf(a, b) } }
struct Maximum: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a.isNaN || a >= b ? a : b } }
struct Minimum: BinaryKernel { @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a.isNaN || a <= b ? a : b } }

/// A comparison producing a 1/0 mask.
struct Compare: BinaryKernel {
    enum Relation { case less, lessEqual, greater, greaterEqual, equal, notEqual }
    let relation: Relation
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float {
        switch relation {
        case .less: a < b ? 1 : 0
        case .lessEqual: a <= b ? 1 : 0
        case .greater: a > b ? 1 : 0
        case .greaterEqual: a >= b ? 1 : 0
        case .equal: a == b ? 1 : 0
        case .notEqual: a != b ? 1 : 0
        }
    }
}

/// Unary functions by closure-free structs so the loop specializes and vectorizes.
struct Negate: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { -x } }
struct Exp: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { expf(x) } }
struct Log: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { logf(x) } }
struct Sqrt: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x.squareRoot() } }
struct Rsqrt: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / x.squareRoot() } }
struct Abs: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { abs(x) } }
struct Sign: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) } }
struct PowScalar: UnaryKernel {
    let exponent: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        exponent == 2 ? x * x : (exponent == 1 ? x : powf(x, exponent))
    }
}
struct Clamp: UnaryKernel {
    let low: Float, high: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { Swift.min(Swift.max(x, low), high) }
}
/// Passes the gradient where low ≤ x ≤ high (b is x).
struct ClampBackward: BinaryKernel {
    let low: Float, high: Float
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x >= low && x <= high ? g : 0 }
}
