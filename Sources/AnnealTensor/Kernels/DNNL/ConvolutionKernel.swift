import CDNNL

/// Geometry of a 2-D convolution (PyTorch's arguments).
public struct Convolution2DGeometry: Hashable, Sendable, CustomStringConvertible {
    /// The input's dimensions [N, C, H, W]: batch size, input channels, height, width.
    public var batch, inChannels, height, width: Int
    /// Output channels O and the kernel's height and width (weight [O, C/groups, KH, KW]).
    public var outChannels, kernelHeight, kernelWidth: Int
    /// The stride as (vertical, horizontal).
    public var stride: (Int, Int) { (strideH, strideW) }
    var strideH, strideW, padH, padW, dilationH, dilationW: Int
    /// The number of channel groups: each output channel sees `inChannels / groups` input channels.
    public var groups: Int
    /// Whether the convolution adds a bias of shape [O].
    public var hasBias: Bool

    /// OH = ⌊(H + 2·padding − dilation·(KH − 1) − 1) / stride⌋ + 1, with the vertical
    /// padding, dilation and stride (PyTorch's formula).
    public var outHeight: Int { (height + 2 * padH - dilationH * (kernelHeight - 1) - 1) / strideH + 1 }
    /// OW = ⌊(W + 2·padding − dilation·(KW − 1) − 1) / stride⌋ + 1, with the horizontal
    /// padding, dilation and stride.
    public var outWidth: Int { (width + 2 * padW - dilationW * (kernelWidth - 1) - 1) / strideW + 1 }
    var inputShape: [Int] { [batch, inChannels, height, width] }
    var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    var weightShape: [Int] { [outChannels, inChannels / groups, kernelHeight, kernelWidth] }
    /// oneDNN's weight dims: grouped convolutions get a leading group axis.
    var dnnlWeightShape: [Int] {
        groups == 1 ? weightShape : [groups, outChannels / groups, inChannels / groups, kernelHeight, kernelWidth]
    }
    /// The input and weight shapes, stride, padding, dilation and groups (error
    /// messages print it, and it keys the cache of built kernels).
    public var description: String {
        "input \(inputShape), weight \(weightShape), stride (\(strideH), \(strideW)), padding (\(padH), \(padW)), dilation (\(dilationH), \(dilationW)), groups \(groups)"
    }
}

/// The three oneDNN convolution primitives for one geometry (forward, backward
/// data, backward weights). oneDNN picks its preferred blocked layouts; inputs
/// are reordered into them only when they arrive in another layout, and outputs
/// stay blocked for the next primitive (see `BlockedTensorData`).
final class ConvolutionKernel {
    let geometry: Convolution2DGeometry
    private let forward: DNNLPrimitive
    private let source, weights, destination: DNNLLayout

    /// The algorithm oneDNN runs for this geometry: Winograd where `algorithm`
    /// asks for it and oneDNN implements it (forward and both backward passes
    /// alike where it can), else direct.
    let algorithm: dnnl_alg_kind_t
    var isWinograd: Bool { algorithm == dnnl_convolution_winograd }

    init(_ g: Convolution2DGeometry, algorithm preferred: ConvolutionAlgorithm) {
        geometry = g
        (forward, algorithm) = Self.primitive(preferred.triesWinograd(g) ? dnnl_convolution_winograd : dnnl_convolution_direct,
                                              what: "convolution forward (\(g))") { algorithm in
            var source = DNNL.any(g.inputShape), weights = DNNL.any(g.dnnlWeightShape)
            var bias = DNNL.plain([g.outChannels]), destination = DNNL.any(g.outputShape)
            var descriptor = dnnl_convolution_desc_t()
            var strides = DNNL.dims([g.strideH, g.strideW]), dilates = DNNL.dims([g.dilationH - 1, g.dilationW - 1])
            var padding = DNNL.dims([g.padH, g.padW])
            ConvolutionKernel.withDims(&strides, &dilates, &padding) { s, d, p in
                withUnsafePointer(to: &bias) { b in
                    DNNL.check(dnnl_dilated_convolution_forward_desc_init(&descriptor, dnnl_forward_training, algorithm,
                                                                          &source, &weights, g.hasBias ? b : nil, &destination, s, d, p, p),
                               "convolution forward (\(g))")
                }
            }
            return descriptor
        }
        self.source = DNNLLayout(forward.memoryDescriptor(dnnl_query_src_md))
        self.weights = DNNLLayout(forward.memoryDescriptor(dnnl_query_weights_md))
        self.destination = DNNLLayout(forward.memoryDescriptor(dnnl_query_dst_md))
    }

    /// The primitive for `algorithm`, or the direct one where oneDNN does not
    /// implement that algorithm for the descriptor; with the algorithm it runs.
    private static func primitive(_ algorithm: dnnl_alg_kind_t, hint: DNNLPrimitive? = nil, what: String,
                                  _ describe: (dnnl_alg_kind_t) -> dnnl_convolution_desc_t) -> (DNNLPrimitive, dnnl_alg_kind_t) {
        if algorithm != dnnl_convolution_direct {
            var descriptor = describe(algorithm)
            if let primitive = DNNLPrimitive(ifImplemented: &descriptor, hint: hint, what: what) { return (primitive, algorithm) }
        }
        var descriptor = describe(dnnl_convolution_direct)
        return (DNNLPrimitive(&descriptor, hint: hint, what: what), dnnl_convolution_direct)
    }

    /// A backward primitive with the forward's algorithm where oneDNN has it, else direct.
    private func backwardPrimitive(_ what: String, _ describe: (dnnl_alg_kind_t) -> dnnl_convolution_desc_t) -> DNNLPrimitive {
        Self.primitive(algorithm, hint: forward, what: what, describe).0
    }

    static func withDims(_ a: inout dnnl_dims_t, _ b: inout dnnl_dims_t, _ c: inout dnnl_dims_t,
                         _ body: (UnsafePointer<dnnl_dim_t>, UnsafePointer<dnnl_dim_t>, UnsafePointer<dnnl_dim_t>) -> Void) {
        withUnsafePointer(to: &a) { pa in
            withUnsafePointer(to: &b) { pb in
                withUnsafePointer(to: &c) { pc in
                    pa.withMemoryRebound(to: dnnl_dim_t.self, capacity: 12) { a in
                        pb.withMemoryRebound(to: dnnl_dim_t.self, capacity: 12) { b in
                            pc.withMemoryRebound(to: dnnl_dim_t.self, capacity: 12) { c in body(a, b, c) }
                        }
                    }
                }
            }
        }
    }

    /// The (plain) weight tensor in the layout a primitive wants.
    private func weightData(_ weight: Tensor, in layout: DNNLLayout) -> TensorStorage {
        let plain = DNNLLayout.plain(geometry.dnnlWeightShape)
        if layout == plain { return weight.storage }
        let target = Tensor.dnnlBuffer(layout)
        DNNL.reorder(from: plain, weight.storage.pointer, to: layout, target.pointer)
        return target
    }

    /// Forward pass (under `DNNL.lock`).
    func runForward(input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let x = input.data(in: source), w = weightData(weight, in: weights)
        let y = Tensor.dnnlBuffer(destination)
        var args: [(Int32, DNNLLayout, TensorStorage)] = [
            (DNNL_ARG_SRC, source, x), (DNNL_ARG_WEIGHTS, weights, w), (DNNL_ARG_DST, destination, y),
        ]
        if let bias { args.append((DNNL_ARG_BIAS, .plain([geometry.outChannels]), bias.storage)) }
        DNNL.execute(forward, args)
        return Tensor.fromDNNL(shape: geometry.outputShape, layout: destination, data: y)
    }

    private lazy var backwardData: (primitive: DNNLPrimitive, diffSource: DNNLLayout, weights: DNNLLayout, diffDestination: DNNLLayout) = {
        let g = geometry
        let primitive = backwardPrimitive("convolution backward data (\(g))") { algorithm in
            var diffSource = DNNL.any(g.inputShape), weights = DNNL.any(g.dnnlWeightShape), diffDestination = DNNL.any(g.outputShape)
            var descriptor = dnnl_convolution_desc_t()
            var strides = DNNL.dims([g.strideH, g.strideW]), dilates = DNNL.dims([g.dilationH - 1, g.dilationW - 1])
            var padding = DNNL.dims([g.padH, g.padW])
            ConvolutionKernel.withDims(&strides, &dilates, &padding) { s, d, p in
                DNNL.check(dnnl_dilated_convolution_backward_data_desc_init(&descriptor, algorithm, &diffSource, &weights,
                                                                            &diffDestination, s, d, p, p), "convolution backward data (\(g))")
            }
            return descriptor
        }
        return (primitive, DNNLLayout(primitive.memoryDescriptor(dnnl_query_diff_src_md)),
                DNNLLayout(primitive.memoryDescriptor(dnnl_query_weights_md)),
                DNNLLayout(primitive.memoryDescriptor(dnnl_query_diff_dst_md)))
    }()

    /// Gradient with respect to the input (under `DNNL.lock`).
    func runBackwardData(outputGradient: Tensor, weight: Tensor) -> Tensor {
        let k = backwardData
        let dy = outputGradient.data(in: k.diffDestination), w = weightData(weight, in: k.weights)
        let dx = Tensor.dnnlBuffer(k.diffSource)
        DNNL.execute(k.primitive, [(DNNL_ARG_DIFF_DST, k.diffDestination, dy), (DNNL_ARG_WEIGHTS, k.weights, w),
                                   (DNNL_ARG_DIFF_SRC, k.diffSource, dx)])
        return Tensor.fromDNNL(shape: geometry.inputShape, layout: k.diffSource, data: dx)
    }

    private lazy var backwardWeights: (primitive: DNNLPrimitive, source: DNNLLayout, diffWeights: DNNLLayout, diffDestination: DNNLLayout) = {
        let g = geometry
        let primitive = backwardPrimitive("convolution backward weights (\(g))") { algorithm in
            var source = DNNL.any(g.inputShape), diffWeights = DNNL.any(g.dnnlWeightShape), diffDestination = DNNL.any(g.outputShape)
            var diffBias = DNNL.plain([g.outChannels])
            var descriptor = dnnl_convolution_desc_t()
            var strides = DNNL.dims([g.strideH, g.strideW]), dilates = DNNL.dims([g.dilationH - 1, g.dilationW - 1])
            var padding = DNNL.dims([g.padH, g.padW])
            ConvolutionKernel.withDims(&strides, &dilates, &padding) { s, d, p in
                withUnsafePointer(to: &diffBias) { b in
                    DNNL.check(dnnl_dilated_convolution_backward_weights_desc_init(&descriptor, algorithm, &source, &diffWeights,
                                                                                   g.hasBias ? b : nil, &diffDestination, s, d, p, p),
                               "convolution backward weights (\(g))")
                }
            }
            return descriptor
        }
        return (primitive, DNNLLayout(primitive.memoryDescriptor(dnnl_query_src_md)),
                DNNLLayout(primitive.memoryDescriptor(dnnl_query_diff_weights_md)),
                DNNLLayout(primitive.memoryDescriptor(dnnl_query_diff_dst_md)))
    }()

    /// Gradients with respect to the weight (plain, PyTorch's shape) and bias (under `DNNL.lock`).
    func runBackwardWeights(input: Tensor, outputGradient: Tensor) -> (weight: Tensor, bias: Tensor?) {
        let k = backwardWeights, g = geometry
        let x = input.data(in: k.source), dy = outputGradient.data(in: k.diffDestination)
        let dw = Tensor.dnnlBuffer(k.diffWeights)
        let db = g.hasBias ? TensorStorage(count: g.outChannels) : nil
        var args: [(Int32, DNNLLayout, TensorStorage)] = [
            (DNNL_ARG_SRC, k.source, x), (DNNL_ARG_DIFF_DST, k.diffDestination, dy),
            (DNNL_ARG_DIFF_WEIGHTS, k.diffWeights, dw),
        ]
        if let db { args.append((DNNL_ARG_DIFF_BIAS, .plain([g.outChannels]), db)) }
        DNNL.execute(k.primitive, args)
        let plain = DNNLLayout.plain(g.dnnlWeightShape)
        var weightGradient = dw
        if !(k.diffWeights == plain) {
            weightGradient = TensorStorage(count: Shape.count(g.weightShape))
            DNNL.reorder(from: k.diffWeights, dw.pointer, to: plain, weightGradient.pointer)
        }
        return (Tensor(shape: g.weightShape, storage: weightGradient), db.map { Tensor(shape: [g.outChannels], storage: $0) })
    }

    static let cache = DNNLCache<ConvolutionKernel>()
}
