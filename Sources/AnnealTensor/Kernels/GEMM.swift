import CDNNL

/// C = alpha·op(A)·op(B) + beta·C for row-major matrices, on oneDNN's sgemm
/// (Debian's OpenBLAS picks slow kernels on recent CPUs unless told otherwise).
/// op(A) is m×k, op(B) is k×n; transposed operands are read in place, never copied.
func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
          a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0, c: UnsafeMutablePointer<Float>) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
        return
    }
    let transA = CChar(UInt8(ascii: transposeA ? "T" : "N"))
    let transB = CChar(UInt8(ascii: transposeB ? "T" : "N"))
    let status = dnnl_sgemm(transA, transB, dnnl_dim_t(m), dnnl_dim_t(n), dnnl_dim_t(k), alpha,
                            a, dnnl_dim_t(transposeA ? m : k), b, dnnl_dim_t(transposeB ? k : n),
                            beta, c, dnnl_dim_t(n))
    precondition(status == dnnl_success, "gemm: oneDNN sgemm failed with status \(status.rawValue) for m=\(m) n=\(n) k=\(k)")
}
