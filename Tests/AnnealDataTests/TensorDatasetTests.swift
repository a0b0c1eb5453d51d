@testable import AnnealData
import AnnealTensor
import Testing

@Suite struct TensorDatasetTests {
    @Test func exposesShapeLabelsAndSamples() throws {
        let data = numberedDataset(5)
        #expect(data.count == 5)
        #expect(data.sampleShape == [2, 3])
        #expect(data.sampleSize == 6)
        #expect(data.classCount == 3)
        #expect(data.hasLabels)
        #expect((0..<5).map(data.label(at:)) == [0, 1, 2, 0, 1])
        #expect(data.sample(at: 3) == Tensor(numberedRow(3), shape: [2, 3]))
    }

    @Test func labelCountMustMatchSampleCount() {
        let error = #expect(throws: DatasetError.self) {
            try TensorDataset(samples: .zeros([4, 2]), labels: [0, 1, 0])
        }
        #expect(error?.description == "dataset has 4 samples but 3 labels")
    }

    @Test func labelsMustBeInRange() {
        let error = #expect(throws: DatasetError.self) {
            try TensorDataset(samples: .zeros([3, 2]), labels: [0, 5, 1], classCount: 3)
        }
        #expect(error?.description == "label 5 of sample 1 is outside 0..<3")
        #expect(throws: DatasetError.self) {
            try TensorDataset(samples: .zeros([2, 2]), labels: [0, -1])
        }
    }

    @Test func scalarSamplesAreRejected() {
        #expect(throws: DatasetError.self) { try TensorDataset(samples: Tensor(1), labels: []) }
    }

    @Test func classCountDefaultsToLargestLabelPlusOne() throws {
        let data = try TensorDataset(samples: .zeros([3, 1]), labels: [0, 4, 2])
        #expect(data.classCount == 5)
    }

    @Test func unlabelledDatasetHasNoLabels() {
        let data = TensorDataset(unlabelled: .ones([2, 1, 2, 2]))
        #expect(!data.hasLabels)
        #expect(data.classCount == 0)
        #expect(data.label(at: 1) == -1)
        #expect(data.sampleShape == [1, 2, 2])
    }

    @Test func subsetGathersRowsInOrder() {
        let data = numberedDataset(10)
        let picked = data.subset([7, 2, 2, 9])
        #expect(picked.count == 4)
        #expect(picked.samples.scalars == numberedRow(7) + numberedRow(2) + numberedRow(2) + numberedRow(9))
        #expect(picked.labels == [1, 2, 2, 0])
        #expect(picked.classCount == 3)
        #expect(data.subset([]).count == 0)
    }

    @Test func prefixTakesTheFirstSamples() {
        let data = numberedDataset(10)
        let head = data.prefix(4)
        #expect(head.count == 4)
        #expect(head.samples.scalars == (0..<4).flatMap { numberedRow($0) })
        #expect(data.prefix(0).count == 0)
        #expect(data.prefix(50).count == 10)
    }

    @Test(arguments: [0.0, 0.1, 0.25, 0.5, 1.0])
    func splitIsDisjointAndCovers(fraction: Double) {
        let data = numberedDataset(40)
        let (train, validation) = data.split(validationFraction: fraction, seed: 7)
        #expect(validation.count == Int((40 * fraction).rounded()))
        #expect(train.count + validation.count == 40)
        // Row i starts with i * 1000, so the first value identifies the sample.
        func ids(_ d: DatasetSubset) -> [Int] { (0..<d.count).map { Int(d.sample(at: $0).scalars[0]) / 1000 } }
        let trainIDs = ids(train), validationIDs = ids(validation)
        #expect(Set(trainIDs).isDisjoint(with: validationIDs))
        #expect(Set(trainIDs + validationIDs) == Set(0..<40))
        #expect(trainIDs == trainIDs.sorted())
        #expect(train.labels == trainIDs.map { $0 % 3 })
    }

    @Test func splitDependsOnTheSeedOnly() {
        let data = numberedDataset(100)
        let a = data.split(validationFraction: 0.2, seed: 1)
        let b = data.split(validationFraction: 0.2, seed: 1)
        let c = data.split(validationFraction: 0.2, seed: 2)
        #expect(a.validation.samples == b.validation.samples)
        #expect(a.train.samples == b.train.samples)
        #expect(a.validation.samples != c.validation.samples)
        // A random hold-out, not the tail.
        #expect(a.validation.samples != data.subset(Array(80..<100)).samples)
    }
}
