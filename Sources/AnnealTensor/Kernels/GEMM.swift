import CDNNL

/// C = op(A)·op(B) for row-major matrices on oneDNN's matmul primitive (the
/// brgemm kernels; measured up to 2x faster than `dnnl_sgemm` for transposed
/// operands at training shapes, and Debian's OpenBLAS picks slow kernels on
/// recent CPUs unless told otherwise). op(A) is m×k, op(B) is k×n; transposed
/// operands are described by strides and read in place, never copied.
/// With `bias` (n values), computes op(A)·op(B) + bias in the same pass, and with
/// `relu` max(·, 0) of it.
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
          a: UnsafePointer<Float>, b: UnsafePointer<Float>, bias: UnsafePointer<Float>? = nil, relu: Bool = false,
          c: UnsafeMutablePointer<Float>) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        c.update(repeating: 0, count: m * n)
        return
    }
    DNNL.lock.withLock {
        let kernel = MatmulKernel.cache.kernel("\(m)x\(n)x\(k)|\(transposeA)|\(transposeB)|\(bias != nil)|\(relu)") {
            MatmulKernel(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, bias: bias != nil, relu: relu)
        }
        var args: [(Int32, DNNLLayout, UnsafeMutableRawPointer)] = [
            (DNNL_ARG_SRC, kernel.a, UnsafeMutableRawPointer(mutating: a)),
            (DNNL_ARG_WEIGHTS, kernel.b, UnsafeMutableRawPointer(mutating: b)),
            (DNNL_ARG_DST, kernel.c, UnsafeMutableRawPointer(c)),
        ]
        if let bias, let layout = kernel.bias { args.append((DNNL_ARG_BIAS, layout, UnsafeMutableRawPointer(mutating: bias))) }
        DNNL.execute(kernel.primitive, args)
    }
}

/// A matmul primitive for one problem shape.
final class MatmulKernel {
    let primitive: DNNLPrimitive
    let a, b, c: DNNLLayout
    let bias: DNNLLayout?

    init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, bias hasBias: Bool = false, relu: Bool = false) {
        a = DNNLLayout(MatmulKernel.strided([m, k], strides: transposeA ? [1, m] : [k, 1]))
        b = DNNLLayout(MatmulKernel.strided([k, n], strides: transposeB ? [1, k] : [n, 1]))
        c = .plain([m, n])
        bias = hasBias ? .plain([1, n]) : nil
        var (ad, bd, cd) = (a.descriptor, b.descriptor, c.descriptor)
        var biasDescriptor = bias?.descriptor ?? dnnl_memory_desc_t()
        var descriptor = dnnl_matmul_desc_t()
        withUnsafePointer(to: &biasDescriptor) { biasPointer in
            DNNL.check(dnnl_matmul_desc_init(&descriptor, &ad, &bd, hasBias ? biasPointer : nil, &cd), "matmul \(m)×\(k)·\(k)×\(n)")
        }
        primitive = DNNLPrimitive(&descriptor, postReLU: relu, what: "matmul")
    }

    static func strided(_ shape: [Int], strides: [Int]) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        var dims = DNNL.dims(shape), stridesDims = DNNL.dims(strides)
        withUnsafePointer(to: &dims) { d in
            withUnsafePointer(to: &stridesDims) { s in
                d.withMemoryRebound(to: dnnl_dim_t.self, capacity: 12) { d in
                    s.withMemoryRebound(to: dnnl_dim_t.self, capacity: 12) { s in
                        DNNL.check(dnnl_memory_desc_init_by_strides(&md, Int32(shape.count), d, dnnl_f32, s), "memory_desc_init_by_strides")
                    }
                }
            }
        }
        return md
    }

    static let cache = DNNLCache<MatmulKernel>()
}
