import CDNNL

/// oneDNN batch normalization with batch statistics (training) and its backward,
/// on data in whatever layout it arrives (blocked after a convolution). Scale and
/// shift are separate arguments (oneDNN 2.6 needs the shift passed to backward
/// too, or it fails with invalid_arguments).
///
/// `relu`: the ReLU after the normalization runs in the same pass
/// (`dnnl_fuse_norm_relu`); forward keeps a bit mask of the positive outputs
/// (the workspace), from which backward masks the incoming gradient.
final class BatchNormKernel {
    let layout: DNNLLayout
    let shape: [Int]
    let epsilon: Float
    let relu: Bool
    private let forward: DNNLPrimitive
    private let channel: DNNLLayout
    private let workspace: DNNLLayout?

    init(layout: DNNLLayout, shape: [Int], epsilon: Float, relu: Bool = false) {
        self.layout = layout
        self.shape = shape
        self.epsilon = epsilon
        self.relu = relu
        var data = layout.descriptor
        var descriptor = dnnl_batch_normalization_desc_t()
        DNNL.check(dnnl_batch_normalization_forward_desc_init(&descriptor, dnnl_forward_training, &data, epsilon, Self.flags(relu: relu)),
                   "batch normalization forward \(shape)")
        forward = DNNLPrimitive(&descriptor, what: "batch normalization forward")
        channel = .plain([shape[1]])
        workspace = relu ? DNNLLayout(forward.memoryDescriptor(dnnl_query_workspace_md)) : nil
    }

    /// Scale and shift always; the fused ReLU and given statistics when asked.
    static func flags(relu: Bool, givenStatistics: Bool = false) -> UInt32 {
        dnnl_use_scale.rawValue | dnnl_use_shift.rawValue | (relu ? dnnl_fuse_norm_relu.rawValue : 0)
            | (givenStatistics ? dnnl_use_global_stats.rawValue : 0)
    }

    /// Normalizes with the batch's statistics; returns the output (same layout as
    /// the input), the batch mean and biased variance, and the ReLU mask when
    /// fused (under `DNNL.lock`).
    func runForward(input: Tensor, scale: Tensor, shift: Tensor) -> (output: Tensor, mean: Tensor, variance: Tensor, mask: TensorStorage?) {
        let x = input.data(in: layout), y = Tensor.dnnlBuffer(layout)
        let mean = TensorStorage(count: shape[1]), variance = TensorStorage(count: shape[1])
        var args: [(Int32, DNNLLayout, TensorStorage)] = [
            (DNNL_ARG_SRC, layout, x), (DNNL_ARG_DST, layout, y),
            (DNNL_ARG_SCALE, channel, scale.storage), (DNNL_ARG_SHIFT, channel, shift.storage),
            (DNNL_ARG_MEAN, channel, mean), (DNNL_ARG_VARIANCE, channel, variance),
        ]
        let mask = workspace.map(Tensor.dnnlBuffer)
        if let workspace, let mask { args.append((DNNL_ARG_WORKSPACE, workspace, mask)) }
        DNNL.execute(forward, args)
        return (Tensor.fromDNNL(shape: shape, layout: layout, data: y),
                Tensor(shape: [shape[1]], storage: mean), Tensor(shape: [shape[1]], storage: variance), mask)
    }

    private lazy var backward: DNNLPrimitive = {
        var data = layout.descriptor, diff = layout.descriptor
        var descriptor = dnnl_batch_normalization_desc_t()
        DNNL.check(dnnl_batch_normalization_backward_desc_init(&descriptor, dnnl_backward, &diff, &data, epsilon, Self.flags(relu: relu)),
                   "batch normalization backward \(shape)")
        return DNNLPrimitive(&descriptor, hint: forward, what: "batch normalization backward")
    }()

    /// Gradients with respect to input, scale and shift (under `DNNL.lock`);
    /// `mask` is the forward's when the ReLU is fused.
    func runBackward(input: Tensor, outputGradient: Tensor, scale: Tensor, shift: Tensor, mean: Tensor, variance: Tensor,
                     mask: TensorStorage? = nil) -> (input: Tensor, scale: Tensor, shift: Tensor) {
        precondition((mask != nil) == relu, "BatchNormKernel: the fused ReLU's backward needs the forward's mask")
        let x = input.data(in: layout), dy = outputGradient.data(in: layout), dx = Tensor.dnnlBuffer(layout)
        let dScale = TensorStorage(count: shape[1]), dShift = TensorStorage(count: shape[1])
        var args: [(Int32, DNNLLayout, TensorStorage)] = [
            (DNNL_ARG_SRC, layout, x), (DNNL_ARG_DIFF_DST, layout, dy),
            (DNNL_ARG_SCALE, channel, scale.storage), (DNNL_ARG_SHIFT, channel, shift.storage),
            (DNNL_ARG_MEAN, channel, mean.storage), (DNNL_ARG_VARIANCE, channel, variance.storage),
            (DNNL_ARG_DIFF_SRC, layout, dx),
            (DNNL_ARG_DIFF_SCALE, channel, dScale), (DNNL_ARG_DIFF_SHIFT, channel, dShift),
        ]
        if let workspace, let mask { args.append((DNNL_ARG_WORKSPACE, workspace, mask)) }
        DNNL.execute(backward, args)
        return (Tensor.fromDNNL(shape: shape, layout: layout, data: dx),
                Tensor(shape: [shape[1]], storage: dScale), Tensor(shape: [shape[1]], storage: dShift))
    }

    static let cache = DNNLCache<BatchNormKernel>()
}

/// oneDNN batch normalization with given statistics (evaluation mode), in the
/// layout the input arrives in, so inference stays blocked between convolutions;
/// `relu` applies a ReLU in the same pass.
final class BatchNormInferenceKernel {
    let layout: DNNLLayout
    let shape: [Int]
    private let primitive: DNNLPrimitive
    private let channel: DNNLLayout

    init(layout: DNNLLayout, shape: [Int], epsilon: Float, relu: Bool = false) {
        self.layout = layout
        self.shape = shape
        var data = layout.descriptor
        var descriptor = dnnl_batch_normalization_desc_t()
        DNNL.check(dnnl_batch_normalization_forward_desc_init(&descriptor, dnnl_forward_inference, &data, epsilon,
                                                              BatchNormKernel.flags(relu: relu, givenStatistics: true)),
                   "batch normalization inference \(shape)")
        primitive = DNNLPrimitive(&descriptor, what: "batch normalization inference")
        channel = .plain([shape[1]])
    }

    /// Normalizes with the given statistics (under `DNNL.lock`).
    func run(input: Tensor, scale: Tensor, shift: Tensor, mean: Tensor, variance: Tensor) -> Tensor {
        let x = input.data(in: layout), y = Tensor.dnnlBuffer(layout)
        DNNL.execute(primitive, [(DNNL_ARG_SRC, layout, x), (DNNL_ARG_DST, layout, y),
                                 (DNNL_ARG_SCALE, channel, scale.storage), (DNNL_ARG_SHIFT, channel, shift.storage),
                                 (DNNL_ARG_MEAN, channel, mean.storage), (DNNL_ARG_VARIANCE, channel, variance.storage)])
        return Tensor.fromDNNL(shape: shape, layout: layout, data: y)
    }

    static let cache = DNNLCache<BatchNormInferenceKernel>()
}
