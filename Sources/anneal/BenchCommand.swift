import Anneal
import ArgumentParser
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Micro-benchmarks (release build); each prints one JSON line per measurement.",
        subcommands: [GEMMBench.self, ElementwiseBench.self, ConvolutionBench.self, TrainBench.self, DataBench.self, AllReduceBench.self, PipelineBench.self])
}

/// Prints one JSON object on one line with keys in the given order.
/// One decimal, or three below 10 (fractions, seconds).
private func rounded(_ d: Double) -> Double { abs(d) < 10 ? (d * 1000).rounded() / 1000 : (d * 10).rounded() / 10 }

func printJSON(_ fields: KeyValuePairs<String, Any>) {
    let body = fields.map { key, value -> String in
        switch value {
        case let s as String: return "\"\(key)\":\"\(s)\""
        case let d as Double: return "\"\(key)\":\(rounded(d))"
        case let ds as [Double]: return "\"\(key)\":[\(ds.map { "\(rounded($0))" }.joined(separator: ","))]"
        default: return "\"\(key)\":\(value)"
        }
    }
    print("{" + body.joined(separator: ",") + "}")
}

struct ThreadOptions: ParsableArguments {
    @Option(help: "Thread counts to measure, comma-separated (default: 1 and all cores).")
    var threads: String?

    func counts() throws -> [Int] {
        guard let threads else { return Array(Set([1, ProcessInfo.processInfo.activeProcessorCount])).sorted() }
        return try threads.split(separator: ",").map {
            guard let n = Int($0), n > 0 else { throw ValidationError("--threads: '\($0)' is not a positive integer") }
            return n
        }
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
