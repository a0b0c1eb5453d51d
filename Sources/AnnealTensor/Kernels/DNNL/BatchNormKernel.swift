import CDNNL

/// oneDNN batch normalization with batch statistics (training) and its backward,
/// on plain [N, C, …] data. Scale and shift are separate arguments (oneDNN 2.6
/// needs the shift passed to backward too, or it fails with invalid_arguments).
final class BatchNormKernel {
    let shape: [Int]
    let epsilon: Float
    private let forward: DNNLPrimitive
    private let data, output, scale, shift, mean, variance: dnnl_memory_t

    init(shape: [Int], epsilon: Float) {
        self.shape = shape
        self.epsilon = epsilon
        var dataMD = DNNL.plain(shape)
        var descriptor = dnnl_batch_normalization_desc_t()
        DNNL.check(dnnl_batch_normalization_forward_desc_init(&descriptor, dnnl_forward_training, &dataMD, epsilon,
                                                              dnnl_use_scale.rawValue | dnnl_use_shift.rawValue),
                   "batch normalization forward \(shape)")
        forward = DNNLPrimitive(&descriptor, what: "batch normalization forward")
        let channel = DNNL.plain([shape[1]])
        data = PoolingKernel.memory(dataMD)
        output = PoolingKernel.memory(dataMD)
        scale = PoolingKernel.memory(channel)
        shift = PoolingKernel.memory(channel)
        mean = PoolingKernel.memory(channel)
        variance = PoolingKernel.memory(channel)
    }

    private func bind(_ memory: dnnl_memory_t, _ pointer: UnsafeMutablePointer<Float>) -> dnnl_memory_t {
        DNNL.check(dnnl_memory_set_data_handle(memory, pointer), "set_data_handle")
        return memory
    }

    /// Normalizes with the batch's statistics, writing them to `batchMean` and
    /// `batchVariance` (biased, as the normalization uses).
    func runForward(input: UnsafeMutablePointer<Float>, scale scalePointer: UnsafeMutablePointer<Float>,
                    shift shiftPointer: UnsafeMutablePointer<Float>, output outputPointer: UnsafeMutablePointer<Float>,
                    batchMean: UnsafeMutablePointer<Float>, batchVariance: UnsafeMutablePointer<Float>) {
        forward.execute([(DNNL_ARG_SRC, bind(data, input)), (DNNL_ARG_DST, bind(output, outputPointer)),
                         (DNNL_ARG_SCALE, bind(scale, scalePointer)), (DNNL_ARG_SHIFT, bind(shift, shiftPointer)),
                         (DNNL_ARG_MEAN, bind(mean, batchMean)), (DNNL_ARG_VARIANCE, bind(variance, batchVariance))])
    }

    private lazy var backward: (primitive: DNNLPrimitive, diffData: dnnl_memory_t, diffOutput: dnnl_memory_t,
                                diffScale: dnnl_memory_t, diffShift: dnnl_memory_t) = {
        var dataMD = DNNL.plain(shape), diffMD = DNNL.plain(shape)
        var descriptor = dnnl_batch_normalization_desc_t()
        DNNL.check(dnnl_batch_normalization_backward_desc_init(&descriptor, dnnl_backward, &diffMD, &dataMD, epsilon,
                                                               dnnl_use_scale.rawValue | dnnl_use_shift.rawValue),
                   "batch normalization backward \(shape)")
        let primitive = DNNLPrimitive(&descriptor, hint: forward, what: "batch normalization backward")
        let channel = DNNL.plain([shape[1]])
        return (primitive, PoolingKernel.memory(diffMD), PoolingKernel.memory(diffMD),
                PoolingKernel.memory(channel), PoolingKernel.memory(channel))
    }()

    func runBackward(input: UnsafeMutablePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
                     scale scalePointer: UnsafeMutablePointer<Float>, shift shiftPointer: UnsafeMutablePointer<Float>,
                     batchMean: UnsafeMutablePointer<Float>, batchVariance: UnsafeMutablePointer<Float>,
                     inputGradient: UnsafeMutablePointer<Float>, scaleGradient: UnsafeMutablePointer<Float>,
                     shiftGradient: UnsafeMutablePointer<Float>) {
        let k = backward
        k.primitive.execute([(DNNL_ARG_SRC, bind(data, input)), (DNNL_ARG_DIFF_DST, bind(k.diffOutput, outputGradient)),
                             (DNNL_ARG_SCALE, bind(scale, scalePointer)), (DNNL_ARG_SHIFT, bind(shift, shiftPointer)),
                             (DNNL_ARG_MEAN, bind(mean, batchMean)), (DNNL_ARG_VARIANCE, bind(variance, batchVariance)),
                             (DNNL_ARG_DIFF_SRC, bind(k.diffData, inputGradient)),
                             (DNNL_ARG_DIFF_SCALE, bind(k.diffScale, scaleGradient)),
                             (DNNL_ARG_DIFF_SHIFT, bind(k.diffShift, shiftGradient))])
    }

    static let cache = DNNLCache<BatchNormKernel>()
}
