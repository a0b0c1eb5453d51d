import Anneal
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
        for threads in try threadOptions.counts() {
            Threads.count = threads
            for t in KernelBenchmarks.convolutions(shapes, batchSize: batchSize, repeats: repeats) {
                printJSON(["bench": "conv", "channels": t.channels, "size": t.size, "batch": batchSize, "threads": threads,
                           "algorithm": t.algorithm.rawValue, "forward_ms": t.forwardSeconds * 1e3, "backward_ms": t.backwardSeconds * 1e3,
                           "forward_effective_gflops": t.forwardEffectiveGFLOPS])
            }
        }
    }
}
