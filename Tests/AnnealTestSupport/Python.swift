import Foundation

/// The Python interpreter for interop tests: `$ANNEAL_PYTHON`, else `python3`.
public enum Python {
    public static let interpreter = ProcessInfo.processInfo.environment["ANNEAL_PYTHON"] ?? "python3"

    /// Whether the interpreter exists and can `import safetensors, numpy`; tests that need
    /// it are skipped (not failed) otherwise.
    public static let hasSafetensorsAndNumPy: Bool = run(["-c", "import safetensors, numpy"]).status == 0

    /// Whether it can also `import sklearn` (scikit-learn, for the liblinear comparison).
    /// Whether Pillow (PIL) and NumPy are there (JPEG files and reference image operations).
    public static let hasPillow: Bool = run(["-c", "import PIL, numpy"]).status == 0
    public static let hasScikitLearn: Bool = run(["-c", "import sklearn"]).status == 0

    /// Runs the interpreter with `arguments`; returns its exit status and stderr + stdout.
    public static func run(_ arguments: [String]) -> (status: Int32, output: String) {
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
    public static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python").appendingPathComponent(name).path
    }
}
