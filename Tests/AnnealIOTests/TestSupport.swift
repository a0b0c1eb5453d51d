@testable import AnnealIO
import AnnealTestSupport
import Foundation
import Testing

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

