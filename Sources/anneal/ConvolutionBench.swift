import AnnealTensor
import ArgumentParser

/// Direct against Winograd convolution, layer by layer (docs/benchmarks.md): the
/// measurement behind `ConvolutionAlgorithm.auto`'s rule.
struct ConvolutionBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract: "3×3 stride-1 convolution forward and backward time per algorithm (direct, winograd), layer by layer.")

    @Option(help: "Layers as CHANNELSxSIZE (C→C channels on SIZE×SIZE maps), comma-separated.")
    var layers = "16x28,32x14,64x7,64x28,128x14,256x7"
    @Option(help: "Batch size.") var batchSize = 128
    @Option(help: "Timed repetitions (median reported).") var repeats = 10
    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        let shapes = try layers.split(separator: ",").map { spec -> (channels: Int, size: Int) in
            let parts = spec.split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--layers: '\(spec)' is not CHANNELSxSIZE (e.g. 64x28)")
            }
            return (parts[0], parts[1])
        }
        var generator = RandomGenerator(seed: 1)
        for threads in try threadOptions.counts() {
            Threads.count = threads
            for (channels, size) in shapes {
                // Through a 1×1 identity convolution: the input arrives in oneDNN's blocked
                // layout, as inside a network, so the timings hold no reorder of it.
                let identity = Tensor.identity(channels).reshape([channels, channels, 1, 1])
                let x = Tensor.conv2d(Tensor.uniform([batchSize, channels, size, size], using: &generator), weight: identity)
                let w = Tensor.uniform([channels, channels, 3, 3], low: -0.1, high: 0.1, using: &generator)
                let upstream = Tensor.uniform([batchSize, channels, size, size], using: &generator)
                for algorithm in [ConvolutionAlgorithm.direct, .winograd] {
                    ConvolutionAlgorithm.preferred = algorithm
                    let forward = medianSeconds(repeats: repeats) { _ = Tensor.conv2d(x, weight: w, padding: (1, 1)) }
                    let (xl, wl) = (x.requiringGrad(), w.requiringGrad())
                    let both = medianSeconds(repeats: repeats) {
                        Tensor.conv2d(xl, weight: wl, padding: (1, 1)).backward(upstream)
                        xl.zeroGrad()
                        wl.zeroGrad()
                    }
                    let flops = 2.0 * Double(batchSize * channels * channels * 9 * size * size)
                    printJSON(["bench": "conv", "channels": channels, "size": size, "batch": batchSize, "threads": threads,
                               "algorithm": algorithm.rawValue, "forward_ms": forward * 1e3, "backward_ms": (both - forward) * 1e3,
                               "forward_effective_gflops": flops / forward / 1e9])
                }
            }
            ConvolutionAlgorithm.preferred = .auto
        }
    }
}
