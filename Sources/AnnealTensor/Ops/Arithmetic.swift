/// Broadcasting arithmetic and elementwise math, each with its gradient.
extension Tensor {
    /// Sums a broadcast gradient back down to `shape` (the inverse of broadcasting).
    public func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        let offset = rank - target.count
        require(offset >= 0, "sumToShape: cannot reduce shape \(shape) to \(target)")
        var axes: [Int] = Array(0..<offset)
        for (i, d) in target.enumerated() where d == 1 && shape[offset + i] != 1 { axes.append(offset + i) }
        return sum(axes: axes, keepDims: true).reshape(target)
    }

    /// Elementwise sum with NumPy broadcasting; differentiable, each operand's
    /// gradient summed back to its own shape.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        mapBinary(a, b, Add(), op: "add").recorded("add", [a, b]) { g, _ in
            [g.sumToShape(a.shape), g.sumToShape(b.shape)]
        }
    }

    /// Elementwise difference a − b with NumPy broadcasting; differentiable in both operands.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        mapBinary(a, b, Subtract(), op: "subtract").recorded("subtract", [a, b]) { g, needs in
            [g.sumToShape(a.shape), needs[1] ? (-g).sumToShape(b.shape) : nil]
        }
    }

    /// Elementwise (Hadamard) product with NumPy broadcasting, not the matrix
    /// product (that is `matmul`); differentiable in both operands.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        mapBinary(a, b, Multiply(), op: "multiply").recorded("multiply", [a, b]) { g, needs in
            [needs[0] ? (g * b).sumToShape(a.shape) : nil, needs[1] ? (g * a).sumToShape(b.shape) : nil]
        }
    }

    /// Elementwise quotient a / b with NumPy broadcasting; differentiable in both
    /// operands (∂/∂a = 1/b, ∂/∂b = −a/b²).
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        mapBinary(a, b, Divide(), op: "divide").recorded("divide", [a, b]) { g, needs in
            [needs[0] ? (g / b).sumToShape(a.shape) : nil,
             needs[1] ? (-(g * a) / (b * b)).sumToShape(b.shape) : nil]
        }
    }

    /// Elementwise negation −x; differentiable.
    public static prefix func - (x: Tensor) -> Tensor {
        mapUnary(x, Negate()).recorded("negate", [x]) { g, _ in [-g] }
    }

    /// Adds the scalar `b` to every element of `a`; differentiable in `a`.
    public static func + (a: Tensor, b: Float) -> Tensor { a + Tensor(b) }
    /// Adds the scalar `a` to every element of `b`; differentiable in `b`.
    public static func + (a: Float, b: Tensor) -> Tensor { Tensor(a) + b }
    /// Subtracts the scalar `b` from every element of `a`; differentiable in `a`.
    public static func - (a: Tensor, b: Float) -> Tensor { a - Tensor(b) }
    /// The scalar `a` minus each element of `b`; differentiable in `b`.
    public static func - (a: Float, b: Tensor) -> Tensor { Tensor(a) - b }
    /// Multiplies every element of `a` by the scalar `b`; differentiable in `a`.
    public static func * (a: Tensor, b: Float) -> Tensor { a * Tensor(b) }
    /// Multiplies every element of `b` by the scalar `a`; differentiable in `b`.
    public static func * (a: Float, b: Tensor) -> Tensor { Tensor(a) * b }
    /// Divides every element of `a` by the scalar `b`; differentiable in `a`.
    public static func / (a: Tensor, b: Float) -> Tensor { a / Tensor(b) }
    /// The scalar `a` divided by each element of `b`; differentiable in `b`.
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }

    /// Replaces `a` with `a + b` (broadcasting): a new recorded result, not an
    /// in-place write, so `a` may change shape.
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    /// Replaces `a` with `a - b` (broadcasting): a new recorded result, not an
    /// in-place write, so `a` may change shape.
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    /// Replaces `a` with the elementwise product `a * b` (broadcasting): a new
    /// recorded result, not an in-place write, so `a` may change shape.
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    /// Replaces `a` with `a / b` (broadcasting): a new recorded result, not an
    /// in-place write, so `a` may change shape.
    public static func /= (a: inout Tensor, b: Tensor) { a = a / b }

    /// a + b without recording (gradient accumulation).
    func addingDetached(_ other: Tensor) -> Tensor { mapBinary(self, other, Add(), op: "add") }
}

/// Elementwise a^b with broadcasting.
public func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
    let result = mapBinary(a, b, Power(), op: "pow")
    return result.recorded("pow", [a, b]) { g, needs in
        [needs[0] ? (g * b * pow(a, b - 1)).sumToShape(a.shape) : nil,
         needs[1] ? (g * result * log(a)).sumToShape(b.shape) : nil]
    }
}

/// Elementwise x^p for a constant exponent.
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
    mapUnary(x, PowScalar(exponent: p)).recorded("pow", [x]) { g, _ in
        [g * (p * pow(x, p - 1))]
    }
}

/// eˣ elementwise; differentiable (the gradient reuses the output).
public func exp(_ x: Tensor) -> Tensor {
    let y = mapUnary(x, Exp())
    return y.recorded("exp", [x]) { g, _ in [g * y] }
}

/// Natural logarithm elementwise; differentiable (gradient 1/x).
public func log(_ x: Tensor) -> Tensor {
    mapUnary(x, Log()).recorded("log", [x]) { g, _ in [g / x] }
}

/// √x elementwise; differentiable (gradient 1/(2√x), from the output).
public func sqrt(_ x: Tensor) -> Tensor {
    let y = mapUnary(x, Sqrt())
    return y.recorded("sqrt", [x]) { g, _ in [g / (2 * y)] }
}

/// 1/√x.
public func rsqrt(_ x: Tensor) -> Tensor {
    let y = mapUnary(x, Rsqrt())
    return y.recorded("rsqrt", [x]) { g, _ in [g * (-0.5) * y / x] }
}

/// |x| elementwise; differentiable, with gradient sign(x) (0 at x = 0).
public func abs(_ x: Tensor) -> Tensor {
    mapUnary(x, Abs()).recorded("abs", [x]) { g, _ in [g * sign(x)] }
}

/// -1, 0 or 1 (gradient zero).
public func sign(_ x: Tensor) -> Tensor {
    mapUnary(x, Sign()).recorded("sign", [x]) { g, _ in [Tensor.zeros(like: g)] }
}

/// Limits values to [low, high]; the gradient passes only inside the range.
public func clamp(_ x: Tensor, min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
    mapUnary(x, Clamp(low: low, high: high)).recorded("clamp", [x]) { g, _ in
        [mapBinary(g, x, ClampBackward(low: low, high: high), op: "clamp")]
    }
}

/// Elementwise maximum with broadcasting; ties split the gradient evenly.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    mapBinary(a, b, Maximum(), op: "maximum").recorded("maximum", [a, b]) { g, needs in
        let aWins = (a .> b) + 0.5 * (a .== b)
        return [needs[0] ? (g * aWins).sumToShape(a.shape) : nil,
                needs[1] ? (g * (1 - aWins)).sumToShape(b.shape) : nil]
    }
}

/// Elementwise minimum with broadcasting; ties split the gradient evenly.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    mapBinary(a, b, Minimum(), op: "minimum").recorded("minimum", [a, b]) { g, needs in
        let aWins = (a .< b) + 0.5 * (a .== b)
        return [needs[0] ? (g * aWins).sumToShape(a.shape) : nil,
                needs[1] ? (g * (1 - aWins)).sumToShape(b.shape) : nil]
    }
}
