import CDNNL

/// C = op(A)·op(B) for row-major matrices on oneDNN's matmul primitive (the
/// brgemm kernels; measured up to 2x faster than `dnnl_sgemm` for transposed
/// operands at training shapes, and Debian's OpenBLAS picks slow kernels on
/// recent CPUs unless told otherwise). op(A) is m×k, op(B) is k×n; transposed
/// operands are described by strides and read in place, never copied.
/// With `bias` (n values), computes op(A)·op(B) + bias in the same pass, and with
/// `relu` max(·, 0) of it. `constantB`, the buffer behind `b`, marks B as a weight:
/// inside a `PackedWeights` scope it is packed into the kernel's layout once.
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
          a: UnsafePointer<Float>, b: UnsafePointer<Float>, bias: UnsafePointer<Float>? = nil, relu: Bool = false,
          c: UnsafeMutablePointer<Float>, constantB: TensorStorage? = nil) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        c.update(repeating: 0, count: m * n)
        return
    }
    let packing = constantB.flatMap { storage in PackedWeights.current.map { ($0, storage) } }
    DNNL.lock.withLock {
        let packs = packing != nil
        let kernel = MatmulKernel.cache.kernel("\(m)x\(n)x\(k)|\(transposeA)|\(transposeB)|\(bias != nil)|\(relu)|\(packs)") {
            MatmulKernel(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, bias: bias != nil, relu: relu, packedB: packs)
        }
        let weights = packing.map { cache, storage in UnsafeMutableRawPointer(cache.packed(storage, for: kernel).pointer) }
        var args: [(Int32, DNNLLayout, UnsafeMutableRawPointer)] = [
            (DNNL_ARG_SRC, kernel.a, UnsafeMutableRawPointer(mutating: a)),
            (DNNL_ARG_WEIGHTS, kernel.b, weights ?? UnsafeMutableRawPointer(mutating: b)),
            (DNNL_ARG_DST, kernel.c, UnsafeMutableRawPointer(c)),
        ]
        if let bias, let layout = kernel.bias { args.append((DNNL_ARG_BIAS, layout, UnsafeMutableRawPointer(mutating: bias))) }
        DNNL.execute(kernel.primitive, args)
    }
}

/// A matmul primitive for one problem shape.
final class MatmulKernel {
    let primitive: DNNLPrimitive
    let a, c: DNNLLayout
    /// op(B) as the primitive reads it: `plainB`, or with `packedB` the layout
    /// oneDNN chose, filled from `plainB` by `packB`.
    let b, plainB: DNNLLayout
    let packB: DNNLPrimitive?
    let bias: DNNLLayout?

    init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, bias hasBias: Bool = false, relu: Bool = false, packedB: Bool = false) {
        a = DNNLLayout(MatmulKernel.strided([m, k], strides: transposeA ? [1, m] : [k, 1]))
        plainB = DNNLLayout(MatmulKernel.strided([k, n], strides: transposeB ? [1, k] : [n, 1]))
        c = .plain([m, n])
        bias = hasBias ? .plain([1, n]) : nil
        var (ad, bd, cd) = (a.descriptor, packedB ? DNNL.any([k, n]) : plainB.descriptor, c.descriptor)
        var biasDescriptor = bias?.descriptor ?? dnnl_memory_desc_t()
        var descriptor = dnnl_matmul_desc_t()
        withUnsafePointer(to: &biasDescriptor) { biasPointer in
            DNNL.check(dnnl_matmul_desc_init(&descriptor, &ad, &bd, hasBias ? biasPointer : nil, &cd), "matmul \(m)×\(k)·\(k)×\(n)")
        }
        primitive = DNNLPrimitive(&descriptor, postReLU: relu, what: "matmul")
        b = packedB ? DNNLLayout(primitive.memoryDescriptor(dnnl_query_weights_md)) : plainB
        packB = packedB ? DNNLPrimitive(reorderFrom: plainB.descriptor, to: b.descriptor) : nil
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
