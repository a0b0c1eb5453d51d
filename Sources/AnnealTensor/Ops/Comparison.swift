/// Comparisons give 1/0 masks (not differentiable); `where` selects by a mask.
extension Tensor {
    /// Elementwise a < b with NumPy broadcasting: 1 where it holds, else 0 (not recorded).
    public static func .< (a: Tensor, b: Tensor) -> Tensor { mapBinary(a, b, Compare(relation: .less), op: "less") }
    /// Elementwise a ≤ b with NumPy broadcasting: 1 where it holds, else 0 (not recorded).
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { mapBinary(a, b, Compare(relation: .lessEqual), op: "lessEqual") }
    /// Elementwise a > b with NumPy broadcasting: 1 where it holds, else 0 (not recorded).
    public static func .> (a: Tensor, b: Tensor) -> Tensor { mapBinary(a, b, Compare(relation: .greater), op: "greater") }
    /// Elementwise a ≥ b with NumPy broadcasting: 1 where it holds, else 0 (not recorded).
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { mapBinary(a, b, Compare(relation: .greaterEqual), op: "greaterEqual") }
    /// Elementwise a = b with NumPy broadcasting: 1 where the values are equal, else 0 (not recorded).
    public static func .== (a: Tensor, b: Tensor) -> Tensor { mapBinary(a, b, Compare(relation: .equal), op: "equal") }
    /// Elementwise a ≠ b with NumPy broadcasting: 1 where the values differ, else 0 (not recorded).
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { mapBinary(a, b, Compare(relation: .notEqual), op: "notEqual") }
    /// 1 where an element of `a` is below the scalar `b`, else 0, in `a`'s shape (not recorded).
    public static func .< (a: Tensor, b: Float) -> Tensor { a .< Tensor(b) }
    /// 1 where an element of `a` is at most the scalar `b`, else 0, in `a`'s shape (not recorded).
    public static func .<= (a: Tensor, b: Float) -> Tensor { a .<= Tensor(b) }
    /// 1 where an element of `a` is above the scalar `b`, else 0, in `a`'s shape (not recorded).
    public static func .> (a: Tensor, b: Float) -> Tensor { a .> Tensor(b) }
    /// 1 where an element of `a` is at least the scalar `b`, else 0, in `a`'s shape (not recorded).
    public static func .>= (a: Tensor, b: Float) -> Tensor { a .>= Tensor(b) }
    /// 1 where an element of `a` equals the scalar `b`, else 0, in `a`'s shape (not recorded).
    public static func .== (a: Tensor, b: Float) -> Tensor { a .== Tensor(b) }
    /// 1 where an element of `a` differs from the scalar `b`, else 0, in `a`'s shape (not recorded).
    public static func .!= (a: Tensor, b: Float) -> Tensor { a .!= Tensor(b) }
}

/// Picks `a` where `mask` is non-zero and `b` elsewhere, broadcasting all three.
public func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    let shape = checked { () throws(ShapeError) in
        try Shape.broadcast(try Shape.broadcast(mask.shape, a.shape, op: "where"), b.shape, op: "where")
    }
    let keep = (mask .!= 0).broadcast(to: shape).detached()
    let result = Tensor(uninitialized: shape)
    let out = result.storage.pointer, m = keep.storage.pointer
    let pa = a.storage.pointer, pb = b.storage.pointer
    let loop = StridedLoop(shape: shape, strides: [
        Shape.strides(shape), Shape.broadcastStrides(a.shape, to: shape), Shape.broadcastStrides(b.shape, to: shape),
    ])
    let (_, sa, sb) = loop.innerStrides
    // Output and mask are both contiguous, so they share the offset.
    loop.forEachRow { o, ia, ib, n in
        for i in 0..<n { out[o + i] = m[o + i] != 0 ? pa[ia + i * sa] : pb[ib + i * sb] }
    }
    return result.recorded("where", [a, b]) { g, needs in
        [needs[0] ? (g * keep).sumToShape(a.shape) : nil,
         needs[1] ? (g * (1 - keep)).sumToShape(b.shape) : nil]
    }
}
