import CDNNL

/// A oneDNN memory layout (plain or blocked, e.g. nChw16c) with a stable key.
struct DNNLLayout {
    let descriptor: dnnl_memory_desc_t
    let key: String

    init(_ descriptor: dnnl_memory_desc_t) {
        self.descriptor = descriptor
        // The descriptor is plain data: its bytes identify the layout.
        var md = descriptor
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        withUnsafeBytes(of: &md) { bytes in
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        }
        key = String(hash, radix: 16)
    }

    static func plain(_ shape: [Int]) -> DNNLLayout { DNNLLayout(DNNL.plain(shape)) }

    var bytes: Int { DNNL.size(descriptor) }

    static func == (a: DNNLLayout, b: DNNLLayout) -> Bool { DNNL.equal(a.descriptor, b.descriptor) }
}

/// A tensor's values held in a blocked oneDNN layout, so consecutive oneDNN
/// primitives (conv → batch norm → ReLU → pool) skip the reorders to and from
/// plain NCHW. The plain form is made once, when some other op first needs it.
final class BlockedTensorData: KernelOrderedValues, @unchecked Sendable {
    // @unchecked: `plain` is created under DNNL.lock and never changes after.
    let layout: DNNLLayout
    let data: TensorStorage
    let shape: [Int]
    private var plainCache: TensorStorage?

    init(layout: DNNLLayout, data: TensorStorage, shape: [Int]) {
        self.layout = layout
        self.data = data
        self.shape = shape
    }

    var values: TensorStorage { data }

    func hasSameOrder(as other: any KernelOrderedValues) -> Bool {
        guard let other = other as? BlockedTensorData else { return false }
        return other.layout == layout
    }

    func withValues(_ values: TensorStorage) -> any KernelOrderedValues { BlockedTensorData(layout: layout, data: values, shape: shape) }

    var rowMajor: TensorStorage {
        DNNL.lock.withLock {
            if let plainCache { return plainCache }
            let result = TensorStorage(count: Shape.count(shape))
            DNNL.reorder(from: layout, data.pointer, to: .plain(shape), result.pointer)
            plainCache = result
            return result
        }
    }
}

extension DNNL {
    static let reorders = DNNLCache<DNNLPrimitive>()

    /// Copies a tensor's values between two layouts (under `DNNL.lock`).
    static func reorder(from source: DNNLLayout, _ sourcePointer: UnsafeMutableRawPointer, to target: DNNLLayout,
                        _ targetPointer: UnsafeMutableRawPointer) {
        let primitive = reorders.kernel(source.key + ">" + target.key) { DNNLPrimitive(reorderFrom: source.descriptor, to: target.descriptor) }
        execute(primitive, [(DNNL_ARG_FROM, source, sourcePointer), (DNNL_ARG_TO, target, targetPointer)])
    }

    static func reorder(from source: DNNLLayout, _ sourcePointer: UnsafeMutablePointer<Float>, to target: DNNLLayout,
                        _ targetPointer: UnsafeMutablePointer<Float>) {
        reorder(from: source, UnsafeMutableRawPointer(sourcePointer), to: target, UnsafeMutableRawPointer(targetPointer))
    }

    /// Runs a primitive on tensor buffers described by layouts. Taking the storage
    /// objects (not raw pointers) keeps every buffer alive until the primitive has
    /// run: a buffer released early would go back to the cache and be reused.
    static func execute(_ primitive: DNNLPrimitive, _ args: [(Int32, DNNLLayout, TensorStorage)]) {
        withExtendedLifetime(args) {
            execute(primitive, args.map { ($0.0, $0.1, UnsafeMutableRawPointer($0.2.pointer)) })
        }
    }

    /// Runs a primitive on raw buffers described by layouts (memory objects are
    /// made per call: cheap next to the work, and never shared between calls).
    static func execute(_ primitive: DNNLPrimitive, _ args: [(Int32, DNNLLayout, UnsafeMutableRawPointer)]) {
        var memories: [(Int32, dnnl_memory_t)] = []
        for (arg, layout, pointer) in args {
            var md = layout.descriptor
            var memory: dnnl_memory_t?
            check(dnnl_memory_create(&memory, &md, context.engine, pointer), "memory_create")
            memories.append((arg, memory!))
        }
        primitive.execute(memories)
        for (_, memory) in memories { dnnl_memory_destroy(memory) }
    }
}

extension Tensor {
    /// The layout the values are held in now.
    var dnnlLayout: DNNLLayout {
        if case .kernelOrdered(let values) = representation, let blocked = values as? BlockedTensorData { return blocked.layout }
        return .plain(shape)
    }

    /// The values in `layout`, reordered into a new buffer when held differently
    /// (call under `DNNL.lock`; the returned storage keeps the data alive).
    func data(in layout: DNNLLayout) -> TensorStorage {
        let source = dnnlLayout
        let sourceStorage: TensorStorage
        switch representation {
        case .plain(let storage): sourceStorage = storage
        case .kernelOrdered(let values): sourceStorage = values.values
        }
        if source == layout { return sourceStorage }
        let target = TensorStorage(count: (layout.bytes + 3) / 4)
        DNNL.reorder(from: source, sourceStorage.pointer, to: layout, target.pointer)
        return target
    }

    /// A tensor over values a primitive wrote in `layout`: kept blocked when the
    /// layout has no padding (elementwise ops can then run on it as is), else
    /// reordered to plain. Call under `DNNL.lock`.
    static func fromDNNL(shape: [Int], layout: DNNLLayout, data: TensorStorage) -> Tensor {
        let plainLayout = DNNLLayout.plain(shape)
        if layout == plainLayout { return Tensor(shape: shape, storage: data) }
        if layout.bytes == Shape.count(shape) * 4 {
            return Tensor(shape: shape, representation: .kernelOrdered(BlockedTensorData(layout: layout, data: data, shape: shape)))
        }
        let plain = TensorStorage(count: Shape.count(shape))
        DNNL.reorder(from: layout, data.pointer, to: plainLayout, plain.pointer)
        return Tensor(shape: shape, storage: plain)
    }

    /// Storage for a primitive to write a result in `layout`.
    static func dnnlBuffer(_ layout: DNNLLayout) -> TensorStorage { TensorStorage(count: (layout.bytes + 3) / 4) }
}
