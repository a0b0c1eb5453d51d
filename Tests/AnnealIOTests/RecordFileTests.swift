import AnnealIO
import AnnealTestSupport
import Foundation
import Testing

/// TensorFlow's record framing and its CRC-32C.
@Suite struct RecordFileTests {
    let dir = TemporaryDirectory()

    @Test func crc32cMatchesTheStandardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // The mask rotates right by 15 bits and adds a constant.
        let crc = CRC32C.checksum(Array("abc".utf8))
        #expect(CRC32C.masked(Array("abc".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test func recordsRoundTripAndADamagedRecordEndsTheList() throws {
        let records: [[UInt8]] = [Array("first".utf8), [], Array(repeating: 7, count: 1000)]
        let bytes = records.flatMap(RecordFile.encode)
        #expect(bytes.count == records.reduce(0) { $0 + $1.count + 16 })
        let decoded = RecordFile.decode(bytes)
        #expect(decoded.records == records && decoded.damagedAt == nil)
        var damaged = bytes
        damaged[16 + 5 + 12] ^= 1     // the second record's data CRC
        #expect(RecordFile.decode(damaged).records == [records[0]])
        #expect(RecordFile.decode(damaged).damagedAt == 21)
        #expect(RecordFile.decode(Array(bytes.dropLast(3))).records.count == 2, "a cut record is not returned")
        // A valid header followed by less than its CRC and the data's: cut, not a trap.
        for extra in 12...15 { #expect(RecordFile.decode(Array(bytes.prefix(21 + extra))).damagedAt == 21) }
    }

    @Test func writerCreatesNewFilesOnly() throws {
        let path = dir.file("events")
        let writer = try RecordFileWriter(path: path)
        try writer.write(Array("x".utf8))
        try writer.flush()
        #expect(RecordFile.decode(readBytes(path)).records == [Array("x".utf8)])
        #expect(throws: AnnealIOError.self) { try RecordFileWriter(path: path) }
    }
}
