/// Matrix products on oneDNN GEMM, with transposed operands handled by the kernel.
extension Tensor {
    /// Batched matrix product op(a)·op(b) over the last two axes; leading (batch)
    /// axes broadcast. `transposeA`/`transposeB` read an operand as transposed
    /// without copying it.
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        Tensor.matmul(self, other, transposeA: transposeA, transposeB: transposeB)
    }

    /// Batched matrix product op(a)·op(b), as the instance method: a [..., M, K]
    /// ([..., K, M] with `transposeA`) times b [..., K, N] ([..., N, K] with
    /// `transposeB`) gives [batch..., M, N], the leading axes broadcasting.
    /// Differentiable in both operands.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        require(a.rank >= 2 && b.rank >= 2, "matmul: operands need rank ≥ 2, got shapes \(a.shape) and \(b.shape)")
        let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
        let k = transposeA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
        let kb = transposeB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
        let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
        require(k == kb, "matmul: inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") × \(b.shape)\(transposeB ? "ᵀ" : "") (\(k) vs \(kb))")
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        let batch = checked { () throws(ShapeError) in try Shape.broadcast(batchA, batchB, op: "matmul (batch axes)") }
        let result = Tensor(uninitialized: batch + [m, n])
        MultiplyAdds.record(Shape.count(batch) * m * n * k, a, b)
        let pa = a.storage.pointer, pb = b.storage.pointer, pc = result.storage.pointer
        let folds = b.rank == 2 && !transposeA
        if folds {
            // Batch of a folds into the rows: one large GEMM.
            gemm(transposeA: false, transposeB: transposeB, m: Shape.count(batch) * m, n: n, k: k, a: pa, b: pb, c: pc)
        } else {
            let stridesA = Shape.broadcastStrides(batchA, to: batch), stridesB = Shape.broadcastStrides(batchB, to: batch)
            let batchStrides = Shape.strides(batch)
            for index in 0..<Shape.count(batch) {
                var offsetA = 0, offsetB = 0, rest = index
                for axis in 0..<batch.count {
                    let i = rest / batchStrides[axis]
                    rest %= batchStrides[axis]
                    offsetA += i * stridesA[axis]
                    offsetB += i * stridesB[axis]
                }
                gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                     a: pa + offsetA * m * k, b: pb + offsetB * k * n, c: pc + index * m * n)
            }
        }
        return result.recorded("matmul", [a, b]) { g, needs in
            var gradA: Tensor? = nil, gradB: Tensor? = nil
            if needs[0] {
                gradA = transposeA ? matmul(b, g, transposeA: transposeB, transposeB: true)
                                   : matmul(g, b, transposeA: false, transposeB: !transposeB)
                gradA = gradA!.sumToShape(a.shape)
            }
            if needs[1] {
                if folds {
                    // Sum over the folded batch inside the GEMM.
                    let a2 = a.reshape([-1, k]), g2 = g.reshape([-1, n])
                    gradB = transposeB ? matmul(g2, a2, transposeA: true) : matmul(a2, g2, transposeA: true)
                } else {
                    gradB = transposeB ? matmul(g, a, transposeA: true, transposeB: transposeA)
                                       : matmul(a, g, transposeA: !transposeA, transposeB: false)
                    gradB = gradB!.sumToShape(b.shape)
                }
            }
            return [gradA, gradB]
        }
    }

    /// x·Wᵀ + b for a fully connected layer: x [..., in], weight [out, in],
    /// bias [out]; the bias is added inside the GEMM (one pass over the output).
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        linear(input, weight: weight, bias: bias, relu: false)
    }

    /// relu(x·Wᵀ + b) in one GEMM pass (ReLU as the GEMM's post-op); the same values
    /// and gradients as `relu(linear(…))`, one memory pass fewer.
    public static func linearReLU(_ input: Tensor, weight: Tensor, bias: Tensor) -> Tensor {
        linear(input, weight: weight, bias: bias, relu: true)
    }

    /// Inside `withPackedWeights` the weight is read in the GEMM's packed layout.
    private static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?, relu: Bool) -> Tensor {
        require(input.rank >= 1 && weight.rank == 2 && input.shape.last == weight.shape[1],
                "linear: input \(input.shape) does not end in \(weight.rank == 2 ? weight.shape[1] : -1) (weight \(weight.shape))")
        if let bias { require(bias.shape == [weight.shape[0]], "linear: bias \(bias.shape) for weight \(weight.shape)") }
        let (k, n) = (weight.shape[1], weight.shape[0])
        let m = input.count / Swift.max(k, 1)
        let result = Tensor(uninitialized: Array(input.shape.dropLast()) + [n])
        MultiplyAdds.record(m * n * k, input, weight)
        let weights = weight.storage
        gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, a: input.storage.pointer, b: weights.pointer,
             bias: bias?.storage.pointer, relu: relu, c: result.storage.pointer, constantB: weights)
        return result.recorded(relu ? "linearReLU" : "linear", [input, weight] + (bias.map { [$0] } ?? [])) { upstream, needs in
            // ReLU's gradient passes where the output is positive (exactly where the pre-activation is).
            let g = relu ? mapBinary(upstream, result, ReLUBackward(), op: "relu") : upstream
            let g2 = g.reshape([m, n])
            return [needs[0] ? g2.matmul(weight).reshape(input.shape) : nil,
                    needs[1] ? g2.matmul(input.reshape([m, k]), transposeA: true) : nil]
                + (bias == nil ? [] : [needs[2] ? g2.sum(axes: [0]) : nil])
        }
    }

    /// Outer product of two vectors: [m] ⊗ [n] → [m, n].
    public static func outer(_ a: Tensor, _ b: Tensor) -> Tensor {
        require(a.rank == 1 && b.rank == 1, "outer: expects two vectors, got shapes \(a.shape) and \(b.shape)")
        return a.reshape([a.count, 1]) * b.reshape([1, b.count])
    }
}
