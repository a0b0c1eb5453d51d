import Anneal
import ArgumentParser
import Foundation

/// Lines for standard error (warnings, notes beside a clean standard output).
func printToStandardError(_ lines: [String]) {
    for line in lines { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

/// A failure reported to the user as one line (the library's words, with
/// configuration fields renamed to the options that set them).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body`, turning configuration errors into one line that names the option
/// (or, for a field without one, the field) instead of the library's field path.
func reportingConfigErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ConfigError {
        guard let field = error.field else { throw CommandError(error.message) }
        throw CommandError("\(optionForField[field] ?? field): \(error.message)")
    }
}
