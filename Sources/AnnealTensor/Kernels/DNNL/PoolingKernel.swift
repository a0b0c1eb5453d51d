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

/// oneDNN pooling forward and backward, in the layout the input arrives in
/// (blocked after a convolution, where pooling vectorizes over 16 channels).
/// A training kernel's max pooling records its argmax in a workspace for
/// backward; an inference kernel writes none (evaluation: docs/benchmarks.md).
final class PoolingKernel {
    let geometry: Pooling2DGeometry
    let source: DNNLLayout
    private let forward: DNNLPrimitive
    private let destination: DNNLLayout
    private let workspace: DNNLLayout?

    init(_ g: Pooling2DGeometry, source: DNNLLayout, training: Bool) {
        geometry = g
        self.source = source
        var sourceMD = source.descriptor, destinationMD = DNNL.any(g.output)
        var descriptor = dnnl_pooling_v2_desc_t()
        var strides = DNNL.dims(g.stride), kernel = DNNL.dims(g.kernel), dilation = DNNL.dims([0, 0]), padding = DNNL.dims(g.padding)
        PoolingKernel.withDims(&strides, &kernel, &dilation, &padding) { s, k, d, p in
            DNNL.check(dnnl_pooling_v2_forward_desc_init(&descriptor, training ? dnnl_forward_training : dnnl_forward_inference, g.algorithm, &sourceMD, &destinationMD,
                                                         s, k, d, p, p), "pooling forward (\(g))")
        }
        forward = DNNLPrimitive(&descriptor, what: "pooling forward")
        destination = DNNLLayout(forward.memoryDescriptor(dnnl_query_dst_md))
        let workspaceMD = forward.memoryDescriptor(dnnl_query_workspace_md)
        workspace = DNNL.size(workspaceMD) > 0 ? DNNLLayout(workspaceMD) : nil
    }

    static func withDims(_ a: inout dnnl_dims_t, _ b: inout dnnl_dims_t, _ c: inout dnnl_dims_t, _ d: inout dnnl_dims_t,
                         _ body: (UnsafePointer<dnnl_dim_t>, UnsafePointer<dnnl_dim_t>, UnsafePointer<dnnl_dim_t>, UnsafePointer<dnnl_dim_t>) -> Void) {
        ConvolutionKernel.withDims(&a, &b, &c) { pa, pb, pc in
            withUnsafePointer(to: &d) { pd in pd.withMemoryRebound(to: dnnl_dim_t.self, capacity: 12) { body(pa, pb, pc, $0) } }
        }
    }

    /// Forward pass; returns the output and the workspace backward needs (under `DNNL.lock`).
    func runForward(input: Tensor) -> (output: Tensor, workspace: TensorStorage?) {
        let x = input.data(in: source), y = Tensor.dnnlBuffer(destination)
        let w = workspace.map { Tensor.dnnlBuffer($0) }
        var args: [(Int32, DNNLLayout, TensorStorage)] = [(DNNL_ARG_SRC, source, x), (DNNL_ARG_DST, destination, y)]
        if let workspace, let w { args.append((DNNL_ARG_WORKSPACE, workspace, w)) }
        DNNL.execute(forward, args)
        return (Tensor.fromDNNL(shape: geometry.output, layout: destination, data: y), w)
    }

    private lazy var backward: DNNLPrimitive = {
        let g = geometry
        var diffSourceMD = source.descriptor, diffDestinationMD = destination.descriptor
        var descriptor = dnnl_pooling_v2_desc_t()
        var strides = DNNL.dims(g.stride), kernel = DNNL.dims(g.kernel), dilation = DNNL.dims([0, 0]), padding = DNNL.dims(g.padding)
        PoolingKernel.withDims(&strides, &kernel, &dilation, &padding) { s, k, d, p in
            DNNL.check(dnnl_pooling_v2_backward_desc_init(&descriptor, g.algorithm, &diffSourceMD, &diffDestinationMD, s, k, d, p, p),
                       "pooling backward (\(g))")
        }
        return DNNLPrimitive(&descriptor, hint: forward, what: "pooling backward")
    }()

    /// Gradient with respect to the input, in the input's layout (under `DNNL.lock`).
    func runBackward(outputGradient: Tensor, workspace w: TensorStorage?) -> Tensor {
        let dy = outputGradient.data(in: destination), dx = Tensor.dnnlBuffer(source)
        var args: [(Int32, DNNLLayout, TensorStorage)] = [(DNNL_ARG_DIFF_DST, destination, dy),
                                                                    (DNNL_ARG_DIFF_SRC, source, dx)]
        if let workspace, let w { args.append((DNNL_ARG_WORKSPACE, workspace, w)) }
        DNNL.execute(backward, args)
        return Tensor.fromDNNL(shape: geometry.input, layout: source, data: dx)
    }

    static let cache = DNNLCache<PoolingKernel>()
}
