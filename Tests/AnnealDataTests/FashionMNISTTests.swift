@testable import AnnealData
import AnnealIO
import AnnealTensor
import AnnealTestSupport
import Foundation
import Testing

@Suite struct FashionMNISTTests {
    /// The installed data set (`dataset-fashion-mnist`); tests that need it are
    /// skipped when it is absent.
    static let installed = (try? FashionMNIST.locate(.train)) != nil && (try? FashionMNIST.locate(.test)) != nil

    let dir = TemporaryDirectory()

    @Test(.enabled(if: installed, "dataset-fashion-mnist is not installed"),
          arguments: [(FashionMNIST.Split.train, 60_000), (.test, 10_000)])
    func loadsTheInstalledFiles(split: FashionMNIST.Split, count: Int) throws {
        let data = try FashionMNIST.load(split)
        #expect(data.count == count)
        #expect(data.samples.shape == [count, 1, 28, 28])
        #expect(data.sampleShape == FashionMNIST.sampleShape)
        #expect(data.classCount == 10)
        let range = data.samples.withUnsafeBufferPointer { ($0.min()!, $0.max()!) }
        #expect(range == (0, 1))
        var perClass = [Int](repeating: 0, count: 10)
        for label in data.labels! { perClass[label] += 1 }
        #expect(perClass == [Int](repeating: count / 10, count: 10))
    }

    @Test func hasTenClassNames() {
        #expect(FashionMNIST.classNames.count == FashionMNIST.classCount)
        #expect(FashionMNIST.classNames.first == "T-shirt/top")
        #expect(FashionMNIST.classNames.last == "Ankle boot")
    }

    @Test func missingDirectoryGivesTheInstallHint() {
        let missing = dir.file("nowhere")
        let error = #expect(throws: AnnealIOError.self) { try FashionMNIST.load(.train, from: missing) }
        #expect(error?.path == missing)
        #expect(error?.description.contains("apt-get install dataset-fashion-mnist") == true)
        #expect(error?.description.contains("name the directory that holds the files") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test func missingFilesSayWhatWasLookedFor() throws {
        try dir.writeIDX(dims: [1, 28, 28], bytes: [UInt8](repeating: 0, count: 784), to: "t10k-images-idx3-ubyte")
        let error = #expect(throws: AnnealIOError.self) { try FashionMNIST.load(.test, from: dir.path) }
        #expect(error?.path == dir.path)
        #expect(error?.message.contains("t10k-labels-idx1-ubyte.gz") == true)
        #expect(error?.message.contains("apt-get install dataset-fashion-mnist") == true)
    }

    @Test func loadsRawOrGzippedFilesFromAGivenDirectory() throws {
        var pixels = [UInt8](repeating: 0, count: 2 * 784)
        pixels[784] = 255
        try dir.writeIDX(dims: [2, 28, 28], bytes: pixels, to: "t10k-images-idx3-ubyte")
        try dir.writeIDX(dims: [2], bytes: [9, 3], to: "t10k-labels-idx1-ubyte.gz", gzip: true)
        let data = try FashionMNIST.load(.test, from: dir.path)
        #expect(data.samples.shape == [2, 1, 28, 28])
        #expect(data.labels == [9, 3])
        #expect(data.samples[1, 0, 0, 0] == 1)
    }

    @Test func truncatedFileIsNamed() throws {
        let full = try dir.writeIDX(dims: [10, 28, 28], bytes: [UInt8](repeating: 7, count: 7840), to: "full")
        let bytes = Array(try readAll(full).prefix(1200))
        let images = dir.write(bytes, to: "train-images-idx3-ubyte")
        try dir.writeIDX(dims: [10], bytes: [UInt8](repeating: 1, count: 10), to: "train-labels-idx1-ubyte")
        let error = #expect(throws: AnnealIOError.self) { try FashionMNIST.load(.train, from: dir.path) }
        #expect(error?.path == images)
        #expect(error?.message.contains("truncated") == true)
    }

    @Test func wrongImageSizeIsNamed() throws {
        let images = try dir.writeIDX(dims: [1, 32, 32], bytes: [UInt8](repeating: 0, count: 1024), to: "train-images-idx3-ubyte")
        try dir.writeIDX(dims: [1], bytes: [0], to: "train-labels-idx1-ubyte")
        let error = #expect(throws: AnnealIOError.self) { try FashionMNIST.load(.train, from: dir.path) }
        #expect(error?.description == "\(images): expected 28×28 Fashion-MNIST images, got 32×32")
    }

    @Test func labelOutOfRangeIsNamed() throws {
        try dir.writeIDX(dims: [2, 28, 28], bytes: [UInt8](repeating: 0, count: 2 * 784), to: "train-images-idx3-ubyte")
        let labels = try dir.writeIDX(dims: [2], bytes: [3, 10], to: "train-labels-idx1-ubyte")
        let error = #expect(throws: AnnealIOError.self) { try FashionMNIST.load(.train, from: dir.path) }
        #expect(error?.description == "\(labels): label 10 of sample 1 is outside 0..<10")
    }

    private func readAll(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}
