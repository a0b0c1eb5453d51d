import Foundation
import Testing
@testable import AnnealIO
import AnnealTestSupport

func readBytes(_ path: String) -> [UInt8] {
    [UInt8](FileManager.default.contents(atPath: path)!)
}

/// Expects `body` to throw an `AnnealIOError` about `path` whose message contains `fragment`,
/// and whose one-line description starts with the path.
func expectIOError(
    _ path: String, _ fragment: String,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    let error = #expect(throws: AnnealIOError.self, sourceLocation: sourceLocation) { try body() }
    guard let error else { return }
    #expect(error.path == path, sourceLocation: sourceLocation)
    #expect(error.message.contains(fragment), "message: \(error.message)", sourceLocation: sourceLocation)
    #expect(error.description.hasPrefix(path + ": "), sourceLocation: sourceLocation)
    #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
}

/// The Python interpreter for interop tests: `$ANNEAL_PYTHON`, else `python3`.
enum Python {
    static let interpreter = ProcessInfo.processInfo.environment["ANNEAL_PYTHON"] ?? "python3"

    /// Whether the interpreter exists and can `import safetensors, numpy`; tests that need
    /// it are skipped (not failed) otherwise.
    static let hasSafetensorsAndNumPy: Bool = run(["-c", "import safetensors, numpy"]).status == 0

    /// Runs the interpreter with `arguments`; returns its exit status and stderr + stdout.
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return (-1, "cannot run \(interpreter): \(error)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// `Tests/python/<name>`, found relative to this source file.
    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python").appendingPathComponent(name).path
    }
}
