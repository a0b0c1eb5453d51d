@testable import AnnealIO
import AnnealTestSupport
import Foundation
import Testing

@Suite struct AtomicFileTests {
    let dir = TemporaryDirectory()

    @Test func createsAndReplacesWithoutLeavingTemporaries() throws {
        let path = dir.file("out.bin")
        try AtomicFile.write([1, 2, 3] as [UInt8], to: path)
        #expect(readBytes(path) == [1, 2, 3])
        try AtomicFile.write(Data([9, 8]), to: path)
        #expect(readBytes(path) == [9, 8])
        try AtomicFile.write([UInt8](), to: path)
        #expect(readBytes(path) == [])
        #expect(dir.contents() == ["out.bin"])
    }

    @Test func temporaryFileIsHiddenBesideTarget() {
        let temporary = AtomicFile.temporaryPath(for: dir.file("model.safetensors"))
        #expect(temporary.hasPrefix(dir.path + "/.model.safetensors.tmp-"))
        #expect(temporary != AtomicFile.temporaryPath(for: dir.file("model.safetensors")))
    }

    @Test func missingDirectoryIsReported() {
        let path = dir.file("no/such/dir/out.bin")
        expectIOError(path, "cannot create file: No such file or directory") {
            try AtomicFile.write([1] as [UInt8], to: path)
        }
        #expect(dir.contents() == [])
    }

    @Test func failedRenameKeepsOldFileAndCleansUp() throws {
        // A directory at the target path makes rename fail after the data was written.
        let path = dir.file("target")
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        expectIOError(path, "cannot replace file") {
            try AtomicFile.write([1, 2] as [UInt8], to: path)
        }
        #expect(dir.contents() == ["target"])
    }
}
