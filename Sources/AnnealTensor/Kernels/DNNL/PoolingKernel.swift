import CDNNL

/// Geometry of a 2-D max or average pooling.
struct Pooling2DGeometry: Hashable, CustomStringConvertible {
    enum Kind: Hashable { case max, averageIncludingPadding, averageExcludingPadding }
    var kind: Kind
    var input: [Int]
    var kernel: [Int], stride: [Int], padding: [Int]

    var output: [Int] {
        [input[0], input[1],
         (input[2] + 2 * padding[0] - kernel[0]) / stride[0] + 1,
         (input[3] + 2 * padding[1] - kernel[1]) / stride[1] + 1]
    }
    var description: String { "\(kind) pooling of \(input), kernel \(kernel), stride \(stride), padding \(padding)" }

    var algorithm: dnnl_alg_kind_t {
        switch kind {
        case .max: dnnl_pooling_max
        case .averageIncludingPadding: dnnl_pooling_avg_include_padding
        case .averageExcludingPadding: dnnl_pooling_avg_exclude_padding
        }
    }
}

/// oneDNN pooling forward (training: max pooling records its argmax in a
/// workspace) and backward, on plain NCHW (pooling is memory-bound; a reorder
/// would cost as much as the pooling itself).
final class PoolingKernel {
    let geometry: Pooling2DGeometry
    private let forward: DNNLPrimitive
    private let source, destination: dnnl_memory_t
    private let workspace: dnnl_memory_t?
    let workspaceBytes: Int

    init(_ g: Pooling2DGeometry) {
        geometry = g
        var sourceMD = DNNL.plain(g.input), destinationMD = DNNL.plain(g.output)
        var descriptor = dnnl_pooling_v2_desc_t()
        var strides = DNNL.dims(g.stride), kernel = DNNL.dims(g.kernel), dilation = DNNL.dims([0, 0]), padding = DNNL.dims(g.padding)
        PoolingKernel.withDims(&strides, &kernel, &dilation, &padding) { s, k, d, p in
            DNNL.check(dnnl_pooling_v2_forward_desc_init(&descriptor, dnnl_forward_training, g.algorithm, &sourceMD, &destinationMD,
                                                         s, k, d, p, p), "pooling forward (\(g))")
        }
        forward = DNNLPrimitive(&descriptor, what: "pooling forward")
        source = PoolingKernel.memory(sourceMD)
        destination = PoolingKernel.memory(destinationMD)
        let workspaceMD = forward.memoryDescriptor(dnnl_query_workspace_md)
        workspaceBytes = DNNL.size(workspaceMD)
        workspace = workspaceBytes > 0 ? PoolingKernel.memory(workspaceMD) : nil
    }

    static func memory(_ md: dnnl_memory_desc_t) -> dnnl_memory_t {
        var md = md
        var memory: dnnl_memory_t?
        DNNL.check(dnnl_memory_create(&memory, &md, DNNL.context.engine, nil), "memory_create")
        return memory!
    }

    static func withDims(_ a: inout dnnl_dims_t, _ b: inout dnnl_dims_t, _ c: inout dnnl_dims_t, _ d: inout dnnl_dims_t,
                         _ body: (UnsafePointer<dnnl_dim_t>, UnsafePointer<dnnl_dim_t>, UnsafePointer<dnnl_dim_t>, UnsafePointer<dnnl_dim_t>) -> Void) {
        ConvolutionKernel.withDims(&a, &b, &c) { pa, pb, pc in
            withUnsafePointer(to: &d) { pd in pd.withMemoryRebound(to: dnnl_dim_t.self, capacity: 12) { body(pa, pb, pc, $0) } }
        }
    }

    /// Runs forward; `workspace` must hold `workspaceBytes` and be kept for backward.
    func runForward(input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, workspace buffer: UnsafeMutableRawPointer?) {
        DNNL.check(dnnl_memory_set_data_handle(source, input), "set_data_handle")
        DNNL.check(dnnl_memory_set_data_handle(destination, output), "set_data_handle")
        var args: [(Int32, dnnl_memory_t)] = [(DNNL_ARG_SRC, source), (DNNL_ARG_DST, destination)]
        if let workspace, let buffer {
            DNNL.check(dnnl_memory_set_data_handle(workspace, buffer), "set_data_handle")
            args.append((DNNL_ARG_WORKSPACE, workspace))
        }
        forward.execute(args)
    }

    private lazy var backward: (primitive: DNNLPrimitive, diffSource: dnnl_memory_t, diffDestination: dnnl_memory_t) = {
        let g = geometry
        var diffSourceMD = DNNL.plain(g.input), diffDestinationMD = DNNL.plain(g.output)
        var descriptor = dnnl_pooling_v2_desc_t()
        var strides = DNNL.dims(g.stride), kernel = DNNL.dims(g.kernel), dilation = DNNL.dims([0, 0]), padding = DNNL.dims(g.padding)
        PoolingKernel.withDims(&strides, &kernel, &dilation, &padding) { s, k, d, p in
            DNNL.check(dnnl_pooling_v2_backward_desc_init(&descriptor, g.algorithm, &diffSourceMD, &diffDestinationMD, s, k, d, p, p),
                       "pooling backward (\(g))")
        }
        let primitive = DNNLPrimitive(&descriptor, hint: forward, what: "pooling backward")
        return (primitive, PoolingKernel.memory(diffSourceMD), PoolingKernel.memory(diffDestinationMD))
    }()

    func runBackward(outputGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
                     workspace buffer: UnsafeMutableRawPointer?) {
        let k = backward
        DNNL.check(dnnl_memory_set_data_handle(k.diffDestination, outputGradient), "set_data_handle")
        DNNL.check(dnnl_memory_set_data_handle(k.diffSource, inputGradient), "set_data_handle")
        var args: [(Int32, dnnl_memory_t)] = [(DNNL_ARG_DIFF_DST, k.diffDestination), (DNNL_ARG_DIFF_SRC, k.diffSource)]
        if let workspace, let buffer {
            DNNL.check(dnnl_memory_set_data_handle(workspace, buffer), "set_data_handle")
            args.append((DNNL_ARG_WORKSPACE, workspace))
        }
        k.primitive.execute(args)
    }

    static let cache = DNNLCache<PoolingKernel>()
}
