@testable import AnnealIO
import AnnealTestSupport
import Testing

/// One writer per directory: a second claim fails while the first lives, and
/// succeeds once it is released.
@Suite struct DirectoryLockTests {
    @Test func aSecondClaimFailsUntilTheFirstIsReleased() throws {
        let dir = TemporaryDirectory()
        var first: DirectoryLock? = try DirectoryLock(dir.path)
        #expect(first != nil)
        #expect(throws: AnnealIOError.self) { try DirectoryLock(dir.path) }
        first = nil
        let second = try DirectoryLock(dir.path)
        withExtendedLifetime(second) {}
    }

    @Test func aMissingDirectoryIsNamed() {
        #expect(throws: AnnealIOError.self) { try DirectoryLock("/nonexistent/anneal-run") }
    }
}
