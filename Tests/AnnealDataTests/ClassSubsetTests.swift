import AnnealData
import AnnealTensor
import Testing

/// Class splits and few-shot subsets (transfer learning's data protocol).
@Suite struct ClassSubsetTests {
    /// 40 one-pixel samples whose value is their index; labels cycle 0…3.
    let dataset = try! TensorDataset(samples: Tensor((0..<40).map(Float.init), shape: [40, 1]), labels: (0..<40).map { $0 % 4 })

    @Test func selectingClassesKeepsOrderAndRelabels() throws {
        let picked = try dataset.selectingClasses([3, 1])
        #expect(picked.classCount == 2 && picked.count == 20)
        #expect(picked.samples.scalars.prefix(4) == [1, 3, 5, 7])
        #expect(picked.labels!.prefix(4) == [1, 0, 1, 0], "class 3 → 0, class 1 → 1, in the order given")
        #expect(throws: DatasetError.self) { try dataset.selectingClasses([4]) }
        #expect(throws: DatasetError.self) { try dataset.selectingClasses([1, 1]) }
    }

    @Test func perClassSamplingIsStratifiedAndSeeded() throws {
        let a = try dataset.sampling(perClass: 3, seed: 7), b = try dataset.sampling(perClass: 3, seed: 7)
        #expect(a.count == 12)
        #expect((0..<4).allSatisfy { c in a.labels!.filter { $0 == c }.count == 3 })
        #expect(a.samples.scalars == b.samples.scalars)
        #expect(a.samples.scalars == a.samples.scalars.sorted(), "original order kept")
        #expect(try dataset.sampling(perClass: 3, seed: 8).samples.scalars != a.samples.scalars)
        #expect(try dataset.sampling(perClass: 100, seed: 1).count == 40, "a class with fewer gives all it has")
    }
}
