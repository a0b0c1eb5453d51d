import Anneal
import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Micro-benchmarks (release build); each prints one JSON line per measurement.",
        subcommands: [GEMMBench.self, ElementwiseBench.self, ConvolutionBench.self, TrainBench.self, DataBench.self, AllReduceBench.self, PipelineBench.self])
}

func printJSON(_ fields: KeyValuePairs<String, Any>) { print(JSONLine.render(fields)) }

struct ThreadOptions: ParsableArguments {
    @Option(help: "Thread counts to measure, comma-separated (default: 1 and all cores).")
    var threads: String?

    func counts() throws -> [Int] {
        guard let threads else { return Array(Set([1, ProcessInfo.processInfo.activeProcessorCount])).sorted() }
        return try reportingConfigErrors { try ValueParsing.sizes(threads, field: "--threads") }
    }
}

struct GEMMBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gemm", abstract: "Single-precision matrix multiply C = A·B (oneDNN).")

    @Option(help: "Matrix size N (N×N times N×N).") var size = 1024
    @Option(help: "Timed repetitions (median reported).") var repeats = 20
    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        for threads in try threadOptions.counts() {
            Threads.count = threads
            printJSON(["bench": "gemm", "m": size, "n": size, "k": size, "threads": threads,
                       "gflops": KernelBenchmarks.gemm(size: size, repeats: repeats)])
        }
    }
}

struct ElementwiseBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "elementwise",
        abstract: "c = a + b against a memcpy of the same bytes; bandwidth counts bytes read plus written.")

    @Option(help: "Elements per operand.") var elements = 16_777_216
    @Option(help: "Timed repetitions (median reported).") var repeats = 20
    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        for threads in try threadOptions.counts() {
            Threads.count = threads
            let (add, copy) = KernelBenchmarks.elementwise(elements: elements, repeats: repeats)
            printJSON(["bench": "add", "elements": elements, "threads": threads, "gb_per_s": add, "memcpy_gb_per_s": copy])
        }
    }
}
