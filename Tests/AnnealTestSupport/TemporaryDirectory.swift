import Foundation

/// A fresh directory under the system's temporary directory, removed (with
/// everything in it) when the value goes away.
public final class TemporaryDirectory {
    public let path: String

    public init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("anneal-test-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes raw bytes with Foundation, bypassing the code under test.
    @discardableResult
    public func write(_ bytes: [UInt8], to name: String) -> String {
        let target = file(name)
        try! Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// The names in the directory, sorted.
    public func contents() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? []
    }
}
