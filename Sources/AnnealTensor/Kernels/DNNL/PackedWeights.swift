import CDNNL

/// Fully connected weights in the GEMM kernel's own (packed, blocked) layout, kept
/// for the length of an evaluation pass. oneDNN's matmul reads plain weights by
/// copying them into that layout on every call: 7.4 MB per batch for a
/// 784-1024-1024-10 MLP, about 10 % of each GEMM's time (docs/benchmarks.md). Inside
/// `withPackedWeights` each weight is packed once and reused by every batch.
public final class PackedWeights: @unchecked Sendable {
    // @unchecked: read and written only under `DNNL.lock`.
    @TaskLocal static var current: PackedWeights?

    /// Packed copies by source buffer and layout. Holding the source keeps its
    /// identity from being reused by another buffer while the scope lasts.
    private var entries: [String: (source: TensorStorage, packed: TensorStorage)] = [:]

    private init() {}

    /// Runs `body` promising that no weight changes inside it (an evaluation pass),
    /// so `Tensor.linear` may pack each weight once. The packed copies are freed at
    /// the end. Nested scopes share the outer one.
    public static func during<R>(_ body: () throws -> R) rethrows -> R {
        if current != nil { return try body() }
        return try $current.withValue(PackedWeights(), operation: body)
    }

    /// `source` (op(B) of `kernel`) in the kernel's packed layout, made on first use
    /// (call under `DNNL.lock`).
    func packed(_ source: TensorStorage, for kernel: MatmulKernel) -> TensorStorage {
        let key = "\(ObjectIdentifier(source))|\(kernel.b.key)"
        if let entry = entries[key] { return entry.packed }
        let packed = TensorStorage(count: (kernel.b.bytes + 3) / 4)
        DNNL.execute(kernel.packB!, [(DNNL_ARG_FROM, kernel.plainB, UnsafeMutableRawPointer(source.pointer)),
                                    (DNNL_ARG_TO, kernel.b, UnsafeMutableRawPointer(packed.pointer))])
        entries[key] = (source, packed)
        return packed
    }
}

/// Convenience spelling of `PackedWeights.during`: evaluation passes in which the
/// weights stay constant (`Evaluator` runs every scoring pass in one).
public func withPackedWeights<R>(_ body: () throws -> R) rethrows -> R {
    try PackedWeights.during(body)
}
