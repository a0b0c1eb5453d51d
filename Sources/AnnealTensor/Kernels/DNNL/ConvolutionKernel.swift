import CDNNL

/// Geometry of a 2-D convolution (PyTorch's arguments).
public struct Convolution2DGeometry: Hashable, Sendable, CustomStringConvertible {
    public var batch, inChannels, height, width: Int
    public var outChannels, kernelHeight, kernelWidth: Int
    public var stride: (Int, Int) { (strideH, strideW) }
    var strideH, strideW, padH, padW, dilationH, dilationW: Int
    public var groups: Int
    public var hasBias: Bool

    public var outHeight: Int { (height + 2 * padH - dilationH * (kernelHeight - 1) - 1) / strideH + 1 }
    public var outWidth: Int { (width + 2 * padW - dilationW * (kernelWidth - 1) - 1) / strideW + 1 }
    var inputShape: [Int] { [batch, inChannels, height, width] }
    var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    var weightShape: [Int] { [outChannels, inChannels / groups, kernelHeight, kernelWidth] }
    /// oneDNN's weight dims: grouped convolutions get a leading group axis.
    var dnnlWeightShape: [Int] {
        groups == 1 ? weightShape : [groups, outChannels / groups, inChannels / groups, kernelHeight, kernelWidth]
    }
    public var description: String {
        "input \(inputShape), weight \(weightShape), stride (\(strideH), \(strideW)), padding (\(padH), \(padW)), dilation (\(dilationH), \(dilationW)), groups \(groups)"
    }
}

/// The three oneDNN convolution primitives for one geometry (forward, backward
/// data, backward weights), each letting oneDNN pick blocked layouts for speed
/// with reorders to and from Anneal's plain NCHW at the boundary.
final class ConvolutionKernel {
    let geometry: Convolution2DGeometry
    private let forward: DNNLPrimitive
    private let forwardArgs: (source: DNNLArgument, weights: DNNLArgument, bias: DNNLArgument?, destination: DNNLArgument)

    init(_ g: Convolution2DGeometry) {
        geometry = g
        var source = DNNL.any(g.inputShape), weights = DNNL.any(g.dnnlWeightShape)
        var bias = DNNL.plain([g.outChannels]), destination = DNNL.any(g.outputShape)
        var descriptor = dnnl_convolution_desc_t()
        var strides = DNNL.dims([g.strideH, g.strideW]), dilates = DNNL.dims([g.dilationH - 1, g.dilationW - 1])
        var padding = DNNL.dims([g.padH, g.padW])
        ConvolutionKernel.withDims(&strides, &dilates, &padding) { s, d, p in
            withUnsafePointer(to: &bias) { b in
                DNNL.check(dnnl_dilated_convolution_forward_desc_init(&descriptor, dnnl_forward_training, dnnl_convolution_direct,
                                                                      &source, &weights, g.hasBias ? b : nil, &destination, s, d, p, p),
                           "convolution forward (\(g))")
            }
        }
        forward = DNNLPrimitive(&descriptor, what: "convolution forward")
        forwardArgs = (DNNLArgument(user: DNNL.plain(g.inputShape), primitive: forward.memoryDescriptor(dnnl_query_src_md)),
                       DNNLArgument(user: DNNL.plain(g.dnnlWeightShape), primitive: forward.memoryDescriptor(dnnl_query_weights_md)),
                       g.hasBias ? DNNLArgument(user: DNNL.plain([g.outChannels]), primitive: DNNL.plain([g.outChannels])) : nil,
                       DNNLArgument(user: DNNL.plain(g.outputShape), primitive: forward.memoryDescriptor(dnnl_query_dst_md)))
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

    func runForward(input: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                    bias: UnsafeMutablePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        var args: [(Int32, dnnl_memory_t)] = [
            (DNNL_ARG_SRC, forwardArgs.source.input(input)),
            (DNNL_ARG_WEIGHTS, forwardArgs.weights.input(weight)),
            (DNNL_ARG_DST, forwardArgs.destination.output(output)),
        ]
        if let bias, let b = forwardArgs.bias { args.append((DNNL_ARG_BIAS, b.input(bias))) }
        forward.execute(args)
        forwardArgs.destination.finish()
    }

    private lazy var backwardData: (primitive: DNNLPrimitive, diffSource: DNNLArgument, weights: DNNLArgument, diffDestination: DNNLArgument) = {
        let g = geometry
        var diffSource = DNNL.any(g.inputShape), weights = DNNL.any(g.dnnlWeightShape), diffDestination = DNNL.any(g.outputShape)
        var descriptor = dnnl_convolution_desc_t()
        var strides = DNNL.dims([g.strideH, g.strideW]), dilates = DNNL.dims([g.dilationH - 1, g.dilationW - 1])
        var padding = DNNL.dims([g.padH, g.padW])
        ConvolutionKernel.withDims(&strides, &dilates, &padding) { s, d, p in
            DNNL.check(dnnl_dilated_convolution_backward_data_desc_init(&descriptor, dnnl_convolution_direct, &diffSource, &weights,
                                                                        &diffDestination, s, d, p, p), "convolution backward data (\(g))")
        }
        let primitive = DNNLPrimitive(&descriptor, hint: forward, what: "convolution backward data")
        return (primitive,
                DNNLArgument(user: DNNL.plain(g.inputShape), primitive: primitive.memoryDescriptor(dnnl_query_diff_src_md)),
                DNNLArgument(user: DNNL.plain(g.dnnlWeightShape), primitive: primitive.memoryDescriptor(dnnl_query_weights_md)),
                DNNLArgument(user: DNNL.plain(g.outputShape), primitive: primitive.memoryDescriptor(dnnl_query_diff_dst_md)))
    }()

    func runBackwardData(outputGradient: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>,
                         inputGradient: UnsafeMutablePointer<Float>) {
        let k = backwardData
        k.primitive.execute([(DNNL_ARG_DIFF_DST, k.diffDestination.input(outputGradient)),
                             (DNNL_ARG_WEIGHTS, k.weights.input(weight)),
                             (DNNL_ARG_DIFF_SRC, k.diffSource.output(inputGradient))])
        k.diffSource.finish()
    }

    private lazy var backwardWeights: (primitive: DNNLPrimitive, source: DNNLArgument, diffWeights: DNNLArgument,
                                       diffBias: DNNLArgument?, diffDestination: DNNLArgument) = {
        let g = geometry
        var source = DNNL.any(g.inputShape), diffWeights = DNNL.any(g.dnnlWeightShape), diffDestination = DNNL.any(g.outputShape)
        var diffBias = DNNL.plain([g.outChannels])
        var descriptor = dnnl_convolution_desc_t()
        var strides = DNNL.dims([g.strideH, g.strideW]), dilates = DNNL.dims([g.dilationH - 1, g.dilationW - 1])
        var padding = DNNL.dims([g.padH, g.padW])
        ConvolutionKernel.withDims(&strides, &dilates, &padding) { s, d, p in
            withUnsafePointer(to: &diffBias) { b in
                DNNL.check(dnnl_dilated_convolution_backward_weights_desc_init(&descriptor, dnnl_convolution_direct, &source, &diffWeights,
                                                                               g.hasBias ? b : nil, &diffDestination, s, d, p, p),
                           "convolution backward weights (\(g))")
            }
        }
        let primitive = DNNLPrimitive(&descriptor, hint: forward, what: "convolution backward weights")
        return (primitive,
                DNNLArgument(user: DNNL.plain(g.inputShape), primitive: primitive.memoryDescriptor(dnnl_query_src_md)),
                DNNLArgument(user: DNNL.plain(g.dnnlWeightShape), primitive: primitive.memoryDescriptor(dnnl_query_diff_weights_md)),
                g.hasBias ? DNNLArgument(user: DNNL.plain([g.outChannels]), primitive: DNNL.plain([g.outChannels])) : nil,
                DNNLArgument(user: DNNL.plain(g.outputShape), primitive: primitive.memoryDescriptor(dnnl_query_diff_dst_md)))
    }()

    func runBackwardWeights(input: UnsafeMutablePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
                            weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>?) {
        let k = backwardWeights
        var args: [(Int32, dnnl_memory_t)] = [(DNNL_ARG_SRC, k.source.input(input)),
                                              (DNNL_ARG_DIFF_DST, k.diffDestination.input(outputGradient)),
                                              (DNNL_ARG_DIFF_WEIGHTS, k.diffWeights.output(weightGradient))]
        if let biasGradient, let b = k.diffBias { args.append((DNNL_ARG_DIFF_BIAS, b.output(biasGradient))) }
        k.primitive.execute(args)
        k.diffWeights.finish()
    }

    static let cache = DNNLCache<ConvolutionKernel>()
}
