@testable import AnnealData
import AnnealIO
import AnnealTensor
import AnnealTestSupport
import Foundation
import Testing

/// Image folders: scanning, decoding, caching against streaming, and bad data.
@Suite struct ImageFolderTests {
    let dir = TemporaryDirectory()

    /// A 4×3 picture whose pixels encode (class, image, position, channel).
    static func picture(_ label: Int, _ index: Int, channels: Int = 3, width: Int = 4, height: Int = 3) -> Bitmap {
        Bitmap(width: width, height: height, channels: channels,
               pixels: (0..<(width * height * channels)).map { UInt8((label * 60 + index * 7 + $0 * 3) % 256) })
    }

    /// ROOT/<class>/<i>.png for the given counts per class.
    func makeFolder(_ name: String, counts: [String: Int], channels: Int = 3) throws -> String {
        let root = dir.file(name)
        for (label, (cls, n)) in counts.sorted(by: { $0.key < $1.key }).enumerated() {
            try Directory.create(root + "/" + cls)
            for i in 0..<n { try Self.picture(label, i, channels: channels).write(to: "\(root)/\(cls)/\(i).png") }
        }
        return root
    }

    @Test func classesAreSortedSubfoldersAndPixelsArePlanar() throws {
        let root = try makeFolder("pets", counts: ["dog": 2, "cat": 3])
        try Directory.create(root + "/.hidden")
        _ = dir.write(Array("notes".utf8), to: "pets/cat/readme.txt")
        let (data, skipped) = try ImageFolder.load(root)
        #expect(skipped.isEmpty)
        #expect(data.classNames == ["cat", "dog"] && data.count == 5 && data.sampleShape == [3, 3, 4])
        #expect((0..<5).map(data.label(at:)) == [0, 0, 0, 1, 1])
        // Sample 3 is dog/0.png: CHW floats of the interleaved bytes.
        let image = Self.picture(1, 0), sample = data.sample(at: 3).scalars
        for c in 0..<3 { for p in 0..<12 { #expect(sample[c * 12 + p] == Float(image.pixels[p * 3 + c]) / 255) } }
    }

    @Test func streamingReadsWhatTheCacheHolds() throws {
        let root = try makeFolder("s", counts: ["a": 4, "b": 5])
        let cached = try ImageFolder.load(root).dataset, streamed = try ImageFolder.load(root, cacheBudget: 0).dataset
        #expect(cached.isCached && !streamed.isCached)
        for i in 0..<cached.count { #expect(cached.sample(at: i) == streamed.sample(at: i)) }
        // Batches do not depend on the number of loader threads, augmentation included.
        let spec = try AugmentationSpec.parse("flip,crop:1")
        func batches(_ workers: Int) -> [Tensor] {
            let loader = DataLoader(AugmentedDataset(streamed, pipeline: spec.pipeline, seed: 3), batchSize: 4, shuffle: true, seed: 3, workers: workers)
            return loader.batches(epoch: 1).map(\.inputs)
        }
        #expect(batches(0) == batches(2))
    }

    @Test func greyAndColourMixAsColourAndResizeOnRequest() throws {
        let root = dir.file("mixed")
        try Directory.create(root + "/a")
        try Directory.create(root + "/b")
        try Self.picture(0, 0, channels: 1).write(to: root + "/a/0.png")
        try Self.picture(1, 0, channels: 4, width: 8, height: 6).write(to: root + "/b/0.png")
        #expect(throws: AnnealIOError.self) { try ImageFolder.load(root) }
        let (data, _) = try ImageFolder.load(root, imageSize: [3, 4])
        #expect(data.sampleShape == [3, 3, 4])
        let grey = data.sample(at: 0).scalars
        #expect(Array(grey[0..<12]) == Array(grey[12..<24]), "grey repeated into every channel")
    }

    @Test func badDataNamesTheFile() throws {
        let root = try makeFolder("bad", counts: ["a": 2, "b": 2])
        _ = dir.write(Array("not an image".utf8), to: "bad/b/9.png")
        do {
            _ = try ImageFolder.load(root)
            Issue.record("a corrupt image loaded")
        } catch let error as AnnealIOError {
            #expect(error.path.hasSuffix("bad/b/9.png") && error.message.contains("--skip-bad-images"))
        }
        let (data, skipped) = try ImageFolder.load(root, skipBadImages: true)
        #expect(data.count == 4 && skipped.count == 1 && skipped[0].path.hasSuffix("9.png"))

        // Another size without a target size.
        try Self.picture(0, 5, width: 5).write(to: root + "/a/5.png")
        _ = try? FileManager.default.removeItem(atPath: root + "/b/9.png")
        #expect { try ImageFolder.load(root) } throws: { ($0 as? AnnealIOError)?.message.contains("--image-size") == true }

        // An empty class folder, a missing folder, a folder without classes.
        try Directory.create(dir.file("empty/a"))
        try Directory.create(dir.file("empty/b"))
        try Self.picture(0, 0).write(to: dir.file("empty/a/0.png"))
        #expect { try ImageFolder.load(dir.file("empty")) } throws: { ($0 as? AnnealIOError)?.message.contains("empty class folder") == true }
        #expect { try ImageFolder.load(dir.file("absent")) } throws: { ($0 as? AnnealIOError)?.message.contains("no such image folder") == true }
        #expect { try ImageFolder.load(dir.file("empty/a")) } throws: { ($0 as? AnnealIOError)?.message.contains("no class subfolders") == true }
    }

    @Test func testFolderIsASiblingOrBesideTrain() throws {
        try Directory.create(dir.file("d1/train"))
        try Directory.create(dir.file("d1/val"))
        #expect(ImageFolder.layout(of: dir.file("d1")) == (dir.file("d1/train"), dir.file("d1/val")))
        #expect(ImageFolder.layout(of: dir.file("d1/train")) == (dir.file("d1/train"), dir.file("d1/val")))
        try Directory.create(dir.file("d2/images"))
        #expect(ImageFolder.layout(of: dir.file("d2/images")) == (dir.file("d2/images"), nil))
    }
}

@Suite struct CIFAR10Tests {
    let dir = TemporaryDirectory()

    /// Records whose pixels are (record + channel·7 + position) mod 256, labels record mod 10.
    func writeBatch(_ name: String, records: Range<Int>) {
        var bytes: [UInt8] = []
        for r in records {
            bytes.append(UInt8(r % 10))
            for c in 0..<3 { for p in 0..<1024 { bytes.append(UInt8((r + c * 7 + p) % 256)) } }
        }
        _ = dir.write(bytes, to: name)
    }

    @Test func readsTheBinaryBatches() throws {
        for k in 1...5 { writeBatch("data_batch_\(k).bin", records: (k * 10)..<(k * 10 + 10)) }
        writeBatch("test_batch.bin", records: 0..<4)
        let train = try CIFAR10.load(train: true, from: dir.path), test = try CIFAR10.load(train: false, from: dir.path)
        #expect(train.count == 50 && test.count == 4 && train.sampleShape == [3, 32, 32])
        #expect(train.label(at: 13) == 3 && train.classNames?[0] == "airplane")
        #expect(train.sample(at: 0).scalars[1024 + 5] == Float((10 + 7 + 5) % 256) / 255, "record 10 (the first of batch 1), green plane")
        _ = dir.write(Array("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n".utf8), to: "batches.meta.txt")
        #expect(try CIFAR10.load(train: false, from: dir.path).classNames?.last == "j")
    }

    @Test func damagedFilesAreNamed() throws {
        writeBatch("test_batch.bin", records: 0..<2)
        var bytes = Array(FileManager.default.contents(atPath: dir.file("test_batch.bin"))!)
        _ = dir.write(Array(bytes.dropLast(100)), to: "test_batch.bin")
        #expect { try CIFAR10.load(train: false, from: dir.path) } throws: { ($0 as? AnnealIOError)?.message.contains("not a whole number") == true }
        bytes[0] = 12
        _ = dir.write(bytes, to: "test_batch.bin")
        #expect { try CIFAR10.load(train: false, from: dir.path) } throws: { ($0 as? AnnealIOError)?.message.contains("label 12") == true }
        #expect { try CIFAR10.load(train: true, from: dir.path) } throws: { ($0 as? AnnealIOError)?.message.contains("data_batch_1.bin") == true }
    }
}

@Suite struct ArrayDatasetTests {
    let dir = TemporaryDirectory()

    /// A .npy file of `descr` elements (little-endian bytes given).
    func npy(_ name: String, descr: String, shape: [Int], data: [UInt8]) -> String {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }".utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (64 - (header.count + 11) % 64) % 64) + [10]
        return dir.write([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 255), UInt8(header.count >> 8)] + header + data, to: name)
    }

    @Test func nhwcAndNCHWGiveTheSameImages() throws {
        // 2 images of 2×2×3; NHWC bytes are (n, y, x, c) → n·12 + y·6 + x·3 + c.
        let nhwc = npy("nhwc.npy", descr: "|u1", shape: [2, 2, 2, 3], data: (0..<24).map(UInt8.init))
        var planar = [UInt8](repeating: 0, count: 24)
        for n in 0..<2 { for y in 0..<2 { for x in 0..<2 { for c in 0..<3 { planar[n * 12 + c * 4 + y * 2 + x] = UInt8(n * 12 + y * 6 + x * 3 + c) } } } }
        let nchw = npy("nchw.npy", descr: "|u1", shape: [2, 3, 2, 2], data: planar)
        var labels: [UInt8] = []
        for v in [Int64(1), 0] { withUnsafeBytes(of: v.littleEndian) { labels += $0 } }
        let y = npy("y.npy", descr: "<i8", shape: [2], data: labels)
        let a = try ArrayDataset.loadNPY(images: nhwc, labels: y), b = try ArrayDataset.loadNPY(images: nchw, labels: y)
        #expect(a.samples == b.samples && a.sampleShape == [3, 2, 2] && a.labels == [1, 0])
        #expect(a.samples.scalars[4] == Float(1) / 255, "uint8 scaled to [0, 1]: image 0, green, (0, 0)")
        // Stated layouts win; an ambiguous 4-D shape needs one.
        let square = npy("square.npy", descr: "|u1", shape: [1, 3, 3, 3], data: Array(repeating: 0, count: 27))
        #expect { try ArrayDataset.loadNPY(images: square, labels: nil) } throws: { ($0 as? AnnealIOError)?.message.contains("layout=") == true }
        #expect(try ArrayDataset.loadNPY(images: square, labels: nil, layout: .nhwc).sampleShape == [3, 3, 3])
    }

    @Test func mismatchesAreNamed() throws {
        let x = npy("x.npy", descr: "|u1", shape: [3, 2, 2], data: Array(repeating: 9, count: 12))
        let y = npy("y.npy", descr: "|u1", shape: [2], data: [0, 1])
        #expect { try ArrayDataset.loadNPY(images: x, labels: y) } throws: { ($0 as? AnnealIOError)?.message.contains("holds 2 labels but") == true }
        let bad = npy("bad.npy", descr: "<f4", shape: [3], data: [0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x3f])
        #expect { try ArrayDataset.loadNPY(images: x, labels: bad) } throws: { ($0 as? AnnealIOError)?.message.contains("whole numbers") == true }
        let wide = npy("wide.npy", descr: "<i2", shape: [3, 2, 2], data: Array(repeating: 0, count: 24))
        #expect { try ArrayDataset.loadNPY(images: wide, labels: nil) } throws: { ($0 as? AnnealIOError)?.message.contains("uint8") == true }
    }

    @Test func labelFilesTakeNumPysIntegerLabels() throws {
        // int64 is what NumPy writes for np.array([2, 0, 1]); fit-head and evaluate read such files.
        var bytes: [UInt8] = []
        for v in [Int64(2), 0, 1] { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        #expect(try LabelFile.read(npy("int64.npy", descr: "<i8", shape: [3], data: bytes)) == [2, 0, 1])
        #expect(try LabelFile.read(npy("uint8.npy", descr: "|u1", shape: [3], data: [2, 0, 1])) == [2, 0, 1])
        #expect(throws: DatasetError.self) { try LabelFile.read(npy("negative.npy", descr: "|i1", shape: [1], data: [0xFF])) }
    }
}
