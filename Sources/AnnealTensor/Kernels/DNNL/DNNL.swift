import CDNNL
import Foundation

/// The small internal layer between Anneal and oneDNN 2.x (op descriptors, which
/// 3.x removed): engine and stream, memory descriptors, primitives and the
/// reorders between Anneal's plain row-major tensors and oneDNN's blocked
/// layouts. A move to oneDNN 3.x stays inside this folder.
enum DNNL {
    /// The CPU engine and stream, created once.
    final class Context: @unchecked Sendable {
        // @unchecked: oneDNN handles are used only under `DNNL.lock`.
        let engine: dnnl_engine_t
        let stream: dnnl_stream_t
        init() {
            var engine: dnnl_engine_t?
            DNNL.check(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine_create")
            var stream: dnnl_stream_t?
            DNNL.check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "stream_create")
            self.engine = engine!
            self.stream = stream!
        }
    }

    static let context = Context()
    /// Primitives, their cached memory objects and scratch buffers are shared:
    /// one execution at a time (training is sequential; tests run in parallel).
    static let lock = NSRecursiveLock()

    /// oneDNN sizes a primitive's per-thread scratch for the OpenMP thread count of
    /// the thread that creates it, and running it with more threads overruns that
    /// scratch. The count is a per-thread OpenMP setting, so each primitive records
    /// the count it was made for and sets it again on whichever thread runs it.
    static func useThreads(_ count: Int32) {
        if omp_get_max_threads() != count { omp_set_num_threads(count) }
    }

    static func check(_ status: dnnl_status_t, _ what: @autoclosure () -> String) {
        if status != dnnl_success {
            fatalError("oneDNN \(what()) failed with status \(status.rawValue) (run with DNNL_VERBOSE=1 for details)")
        }
    }

    static func dims(_ shape: [Int]) -> dnnl_dims_t {
        var result = dnnl_dims_t(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &result) { raw in
            let d = raw.bindMemory(to: dnnl_dim_t.self)
            for (i, v) in shape.enumerated() { d[i] = dnnl_dim_t(v) }
        }
        return result
    }

    /// Descriptor of a plain row-major f32 tensor (nchw, oihw, goihw, nc, x …).
    static func plain(_ shape: [Int]) -> dnnl_memory_desc_t {
        let tags: [dnnl_format_tag_t] = [dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde]
        return descriptor(shape, tag: tags[shape.count - 1])
    }

    /// Descriptor that lets the primitive pick its preferred (blocked) layout.
    static func any(_ shape: [Int]) -> dnnl_memory_desc_t { descriptor(shape, tag: dnnl_format_tag_any) }

    private static func descriptor(_ shape: [Int], tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
        var md = dnnl_memory_desc_t()
        var d = dims(shape)
        withUnsafePointer(to: &d) { pointer in
            pointer.withMemoryRebound(to: dnnl_dim_t.self, capacity: 12) { dimsPointer in
                check(dnnl_memory_desc_init_by_tag(&md, Int32(shape.count), dimsPointer, dnnl_f32, tag), "memory_desc_init \(shape)")
            }
        }
        return md
    }

    static func equal(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        var a = a, b = b
        return dnnl_memory_desc_equal(&a, &b) != 0
    }

    static func size(_ md: dnnl_memory_desc_t) -> Int {
        var md = md
        return Int(dnnl_memory_desc_get_size(&md))
    }
}

/// A oneDNN primitive and its descriptor. Scratch memory is ours to give
/// ("user" scratchpad mode): oneDNN's default library scratchpad lives in
/// thread-local storage of the thread that *created* the primitive, so running
/// it from another thread (test runners, loader workers) would find none.
final class DNNLPrimitive {
    let descriptor: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t
    /// The OpenMP thread count the primitive was created for (and must run with).
    let threads = Int32(Threads.count)
    /// Bytes of scratch memory each execution needs.
    let scratchpadBytes: Int

    /// Creates from an op descriptor (a `dnnl_*_desc_t` initialized by the caller);
    /// `postReLU` applies max(·, 0) to the result in the same pass (a oneDNN post-op).
    convenience init<OpDesc>(_ op: inout OpDesc, hint: DNNLPrimitive? = nil, postReLU: Bool = false, what: String) {
        self.init(op: &op, hint: hint, postReLU: postReLU, optional: false, what: what)!
    }

    /// Nil where oneDNN has no implementation for the descriptor (an algorithm such
    /// as Winograd that covers only some shapes); other failures stop as above.
    convenience init?<OpDesc>(ifImplemented op: inout OpDesc, hint: DNNLPrimitive? = nil, what: String) {
        self.init(op: &op, hint: hint, postReLU: false, optional: true, what: what)
    }

    private init?<OpDesc>(op: inout OpDesc, hint: DNNLPrimitive?, postReLU: Bool, optional: Bool, what: String) {
        DNNL.useThreads(threads)
        let attributes = DNNLPrimitive.userScratchpadAttributes()
        defer { dnnl_primitive_attr_destroy(attributes) }
        if postReLU {
            var postOps: dnnl_post_ops_t?
            DNNL.check(dnnl_post_ops_create(&postOps), "post_ops_create")
            defer { dnnl_post_ops_destroy(postOps) }
            DNNL.check(dnnl_post_ops_append_eltwise(postOps, 1, dnnl_eltwise_relu, 0, 0), "post_ops_append_eltwise")
            DNNL.check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "primitive_attr_set_post_ops")
        }
        var pd: dnnl_primitive_desc_t?
        let status = withUnsafePointer(to: &op) { pointer in
            dnnl_primitive_desc_create(&pd, UnsafeRawPointer(pointer), attributes, DNNL.context.engine, hint?.descriptor)
        }
        if optional && status == dnnl_unimplemented { return nil }
        DNNL.check(status, "\(what) primitive_desc_create")
        (descriptor, primitive, scratchpadBytes) = DNNLPrimitive.make(pd!, what)
    }

    /// A reorder between two layouts of the same tensor.
    init(reorderFrom source: dnnl_memory_desc_t, to target: dnnl_memory_desc_t) {
        DNNL.useThreads(threads)
        let attributes = DNNLPrimitive.userScratchpadAttributes()
        defer { dnnl_primitive_attr_destroy(attributes) }
        var pd: dnnl_primitive_desc_t?
        var s = source, t = target
        DNNL.check(dnnl_reorder_primitive_desc_create(&pd, &s, DNNL.context.engine, &t, DNNL.context.engine, attributes),
                   "reorder_primitive_desc_create")
        (descriptor, primitive, scratchpadBytes) = DNNLPrimitive.make(pd!, "reorder")
    }

    private static func userScratchpadAttributes() -> dnnl_primitive_attr_t {
        var attributes: dnnl_primitive_attr_t?
        DNNL.check(dnnl_primitive_attr_create(&attributes), "primitive_attr_create")
        DNNL.check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "set_scratchpad_mode")
        return attributes!
    }

    private static func make(_ pd: dnnl_primitive_desc_t, _ what: String) -> (dnnl_primitive_desc_t, dnnl_primitive_t, Int) {
        var primitive: dnnl_primitive_t?
        DNNL.check(dnnl_primitive_create(&primitive, pd), "\(what) primitive_create")
        let scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0).map { DNNL.size($0.pointee) } ?? 0
        return (pd, primitive!, scratchpad)
    }

    /// The layout the primitive chose for an argument.
    func memoryDescriptor(_ query: dnnl_query_t, index: Int32 = 0) -> dnnl_memory_desc_t {
        guard let md = dnnl_primitive_desc_query_md(descriptor, query, index) else { return dnnl_memory_desc_t() }
        return md.pointee
    }

    func execute(_ args: [(Int32, dnnl_memory_t)]) {
        DNNL.useThreads(threads)
        var arguments = args.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
        var scratchMemory: dnnl_memory_t?
        let scratch = scratchpadBytes > 0 ? TensorStorage(count: (scratchpadBytes + 3) / 4) : nil
        if let scratch {
            var md = memoryDescriptor(dnnl_query_scratchpad_md)
            DNNL.check(dnnl_memory_create(&scratchMemory, &md, DNNL.context.engine, scratch.pointer), "memory_create (scratchpad)")
            arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchMemory))
        }
        withExtendedLifetime(scratch) {
            DNNL.check(dnnl_primitive_execute(primitive, DNNL.context.stream, Int32(arguments.count), arguments), "primitive_execute")
            DNNL.check(dnnl_stream_wait(DNNL.context.stream), "stream_wait")
        }
        if let scratchMemory { dnnl_memory_destroy(scratchMemory) }
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }
}

/// Primitives built once per configuration and reused (creation costs far more
/// than execution).
final class DNNLCache<Kernel>: @unchecked Sendable {
    // @unchecked: accessed only under `DNNL.lock`.
    private var kernels: [String: Kernel] = [:]

    /// The kernel for `key`, made on first use. oneDNN fixes a primitive's
    /// parallelization when it is created, so the thread count is part of the key.
    func kernel(_ key: String, make: () -> Kernel) -> Kernel {
        let key = "\(Threads.count)|" + key
        if let cached = kernels[key] { return cached }
        let made = make()
        kernels[key] = made
        return made
    }
}
