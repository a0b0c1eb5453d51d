import Foundation

/// This program's own executable, for running parts of a job in child processes.
let ownExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]

/// Runs `anneal ARGUMENTS` in a child process on `threads` threads, its output going
/// to `log`; `watch` is called every half second while it runs and once after, and
/// stops it by returning false. Returns the exit status.
@discardableResult
func runChild(_ arguments: [String], threads: Int, log: String, watch: () -> Bool = { true }) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ownExecutable)
    process.arguments = arguments + ["--threads", String(threads)]
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let handle = FileHandle(forWritingAtPath: log)
    defer { try? handle?.close() }
    process.standardOutput = handle
    process.standardError = handle
    process.environment = ProcessInfo.processInfo.environment.merging(["ANNEAL_NUM_THREADS": String(threads)]) { _, new in new }
    try process.run()
    var stopped = false
    while process.isRunning {
        Thread.sleep(forTimeInterval: 0.5)
        if !stopped && !watch() {
            stopped = true
            process.terminate()
        }
    }
    process.waitUntilExit()
    _ = watch()
    return process.terminationStatus
}
