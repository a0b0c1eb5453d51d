@testable import AnnealData
import AnnealIO
import AnnealTensor
import AnnealTestSupport
import Testing

@Suite struct IDXDatasetTests {
    let dir = TemporaryDirectory()

    @Test(arguments: [false, true])
    func loadsImagesAndLabels(gzip: Bool) throws {
        let images = try dir.writeIDX(dims: [3, 2, 2], bytes: [0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8], to: "img", gzip: gzip)
        let labels = try dir.writeIDX(dims: [3], bytes: [2, 0, 1], to: "lbl", gzip: gzip)
        let data = try IDXDataset.load(images: images, labels: labels)
        #expect(data.count == 3)
        #expect(data.sampleShape == [1, 2, 2])
        #expect(data.classCount == 3)
        #expect(data.labels == [2, 0, 1])
        #expect(data.sample(at: 0).scalars == [0, 1, 0.2, 0.4])
    }

    @Test func imagesWithoutLabels() throws {
        let images = try dir.writeIDX(dims: [2, 1, 3], bytes: [0, 0, 0, 255, 255, 255], to: "img")
        let data = try IDXDataset.load(images: images)
        #expect(!data.hasLabels)
        #expect(data.sampleShape == [1, 1, 3])
        #expect(data.sample(at: 1).scalars == [1, 1, 1])
    }

    @Test func labelFileAsImagesIsNamed() throws {
        let labels = try dir.writeIDX(dims: [3], bytes: [2, 0, 1], to: "lbl")
        let error = #expect(throws: AnnealIOError.self) { try IDXDataset.load(images: labels) }
        #expect(error?.path == labels)
        #expect(error?.message.contains("expected 3 dimensions") == true)
    }

    @Test func countMismatchNamesBothFiles() throws {
        let images = try dir.writeIDX(dims: [3, 2, 2], bytes: [UInt8](repeating: 0, count: 12), to: "img")
        let labels = try dir.writeIDX(dims: [2], bytes: [0, 1], to: "lbl")
        let error = #expect(throws: AnnealIOError.self) { try IDXDataset.load(images: images, labels: labels) }
        #expect(error?.description == "\(labels): holds 2 labels but \(images) holds 3 images")
    }

    @Test func labelOutOfRangeNamesTheLabelFile() throws {
        let images = try dir.writeIDX(dims: [2, 2, 2], bytes: [UInt8](repeating: 0, count: 8), to: "img")
        let labels = try dir.writeIDX(dims: [2], bytes: [0, 12], to: "lbl")
        let error = #expect(throws: AnnealIOError.self) {
            try IDXDataset.load(images: images, labels: labels, classCount: 10)
        }
        #expect(error?.description == "\(labels): label 12 of sample 1 is outside 0..<10")
    }
}
