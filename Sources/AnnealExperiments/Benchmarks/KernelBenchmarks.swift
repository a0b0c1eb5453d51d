import AnnealTensor
import Foundation

/// The kernels behind everything else, timed alone: GEMM, an elementwise add against
/// memcpy, and 3×3 convolution per algorithm (the measurement behind
/// `ConvolutionAlgorithm.auto`'s rule, docs/benchmarks.md). On `Threads.count` threads.
public enum KernelBenchmarks {
    /// GFLOPS of C = A·B for N×N matrices (median of `repeats`).
    public static func gemm(size: Int, repeats: Int) -> Double {
        var generator = RandomGenerator(seed: 1)
        let a = Tensor.uniform([size, size], using: &generator), b = Tensor.uniform([size, size], using: &generator)
        let seconds = Timing.medianSeconds(repeats: repeats) { _ = a.matmul(b) }
        return 2 * Double(size) * Double(size) * Double(size) / seconds / 1e9
    }

    /// GB/s of c = a + b (bytes read and written) and of a memcpy of an operand.
    public static func elementwise(elements: Int, repeats: Int) -> (add: Double, memcpy: Double) {
        var generator = RandomGenerator(seed: 2)
        let a = Tensor.uniform([elements], using: &generator), b = Tensor.uniform([elements], using: &generator)
        var target = Tensor.zeros([elements])
        let addSeconds = Timing.medianSeconds(repeats: repeats) { _ = a + b }
        let copySeconds = Timing.medianSeconds(repeats: repeats) {
            a.withUnsafeBufferPointer { source in
                target.withUnsafeMutableBufferPointer { _ = memcpy($0.baseAddress!, source.baseAddress!, elements * 4) }
            }
        }
        let bytes = Double(elements) * 4
        return (3 * bytes / addSeconds / 1e9, 2 * bytes / copySeconds / 1e9)
    }

    /// One 3×3 stride-1 C→C convolution on SIZE×SIZE maps with one algorithm.
    public struct ConvolutionTiming: Sendable {
        /// Input and output channels, and the feature maps' height and width.
        public var channels, size: Int
        /// The algorithm timed: direct or Winograd.
        public var algorithm: ConvolutionAlgorithm
        /// Median seconds of one forward pass over the batch, and of backward (data and weight gradients) alone.
        public var forwardSeconds, backwardSeconds: Double
        /// The direct algorithm's arithmetic over the forward time.
        public var forwardEffectiveGFLOPS: Double
    }

    /// Forward and backward (data and weights) times of each layer `(channels, size)`
    /// per algorithm, direct and Winograd.
    public static func convolutions(_ layers: [(channels: Int, size: Int)], batchSize: Int, repeats: Int) -> [ConvolutionTiming] {
        var generator = RandomGenerator(seed: 1)
        defer { ConvolutionAlgorithm.preferred = .auto }
        return layers.flatMap { channels, size in
            // Through a 1×1 identity convolution: the input arrives in oneDNN's blocked
            // layout, as inside a network, so the timings hold no reorder of it.
            let identity = Tensor.identity(channels).reshape([channels, channels, 1, 1])
            let x = Tensor.conv2d(Tensor.uniform([batchSize, channels, size, size], using: &generator), weight: identity)
            let w = Tensor.uniform([channels, channels, 3, 3], low: -0.1, high: 0.1, using: &generator)
            let upstream = Tensor.uniform([batchSize, channels, size, size], using: &generator)
            return [ConvolutionAlgorithm.direct, .winograd].map { algorithm in
                ConvolutionAlgorithm.preferred = algorithm
                let forward = Timing.medianSeconds(repeats: repeats) { _ = Tensor.conv2d(x, weight: w, padding: (1, 1)) }
                let (xl, wl) = (x.requiringGrad(), w.requiringGrad())
                let both = Timing.medianSeconds(repeats: repeats) {
                    Tensor.conv2d(xl, weight: wl, padding: (1, 1)).backward(upstream)
                    xl.zeroGrad()
                    wl.zeroGrad()
                }
                let flops = 2.0 * Double(batchSize * channels * channels * 9 * size * size)
                return ConvolutionTiming(channels: channels, size: size, algorithm: algorithm, forwardSeconds: forward,
                                         backwardSeconds: both - forward, forwardEffectiveGFLOPS: flops / forward / 1e9)
            }
        }
    }
}
