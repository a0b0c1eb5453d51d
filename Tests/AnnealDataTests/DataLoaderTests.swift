@testable import AnnealData
import AnnealTensor
import Testing

@Suite struct DataLoaderTests {
    @Test(arguments: [
        (10, 3, false, 4, [3, 3, 3, 1]), (10, 3, true, 3, [3, 3, 3]),
        (9, 3, false, 3, [3, 3, 3]), (9, 3, true, 3, [3, 3, 3]),
        (2, 5, false, 1, [2]), (2, 5, true, 0, []), (0, 4, false, 0, []),
    ])
    func batchCounts(samples: Int, batchSize: Int, dropLast: Bool, batches: Int, sizes: [Int]) {
        let loader = DataLoader(numberedDataset(samples), batchSize: batchSize, dropLast: dropLast)
        #expect(loader.count == batches)
        let epoch = loader.batches(epoch: 0)
        #expect(epoch.count == batches)
        #expect(epoch.map(\.count) == sizes)
        #expect(epoch.map { $0.inputs.shape } == sizes.map { [$0, 2, 3] })
    }

    @Test(arguments: [1, 3])
    func prefetchingWorkersGiveTheSameBatchesFromAnyStart(workers: Int) {
        let data = numberedDataset(100)
        let plain = DataLoader(data, batchSize: 7, shuffle: true, seed: 3)
        let threaded = DataLoader(data, batchSize: 7, shuffle: true, seed: 3, workers: workers)
        for start in [0, 5, 14, 15] {
            var expected = plain.batches(epoch: 2).makeIterator(from: start)
            var fetched = threaded.batches(epoch: 2).makeIterator(from: start)
            var count = 0
            while let batch = expected.next() {
                let other = fetched.next()
                #expect(other?.inputs == batch.inputs && other?.labels == batch.labels && other?.indices == batch.indices)
                count += 1
            }
            #expect(fetched.next() == nil && count == 15 - start)
        }
        // Leaving an epoch part-way cancels the workers; the next epoch starts clean.
        for (i, _) in threaded.batches(epoch: 3).enumerated() where i == 2 { break }
        #expect(Array(threaded.batches(epoch: 4)).map(\.indices) == Array(plain.batches(epoch: 4)).map(\.indices))
    }

    @Test func unshuffledBatchesFollowDatasetOrder() {
        let loader = DataLoader(numberedDataset(7), batchSize: 3)
        #expect(loader.batches(epoch: 5).flatMap(\.indices) == Array(0..<7))
    }

    @Test func batchContentsEqualDatasetRows() {
        let data = numberedDataset(23)
        let loader = DataLoader(data, batchSize: 5, shuffle: true, seed: 3)
        var seen = 0
        for batch in loader.batches(epoch: 2) {
            #expect(batch.inputs.shape == [batch.count, 2, 3])
            #expect(batch.inputs.scalars == batch.indices.flatMap { numberedRow($0) })
            #expect(batch.labels == batch.indices.map { data.label(at: $0) })
            seen += batch.count
        }
        #expect(seen == 23)
    }

    @Test func shuffleIsAPermutation() {
        let loader = DataLoader(numberedDataset(50), batchSize: 8, shuffle: true, seed: 11)
        let visited = loader.batches(epoch: 0).flatMap(\.indices)
        #expect(visited.sorted() == Array(0..<50))
        #expect(visited != Array(0..<50))
    }

    @Test func shuffleDependsOnSeedAndEpochOnly() {
        let data = numberedDataset(50)
        let a = DataLoader(data, batchSize: 8, shuffle: true, seed: 11)
        // Another loader, other batch size, epochs read out of order: same orders.
        let b = DataLoader(data, batchSize: 3, shuffle: true, seed: 11)
        for epoch in [4, 0, 2] {
            #expect(a.order(epoch: epoch) == b.order(epoch: epoch))
            #expect(a.batches(epoch: epoch).flatMap(\.indices) == a.order(epoch: epoch))
        }
        #expect(a.order(epoch: 0) != a.order(epoch: 1))
        #expect(a.order(epoch: 1) != a.order(epoch: 2))
        let other = DataLoader(data, batchSize: 8, shuffle: true, seed: 12)
        #expect(a.order(epoch: 0) != other.order(epoch: 0))
    }

    @Test func dropLastDropsTheShortShuffledTail() {
        let loader = DataLoader(numberedDataset(10), batchSize: 4, shuffle: true, dropLast: true, seed: 1)
        let visited = loader.batches(epoch: 0).flatMap(\.indices)
        #expect(visited == Array(loader.order(epoch: 0).prefix(8)))
    }

    @Test func batchesAreRandomAccess() {
        let loader = DataLoader(numberedDataset(20), batchSize: 6, shuffle: true, seed: 5)
        let all = Array(loader.batches(epoch: 3))
        let third = loader.batches(epoch: 3)[2]
        #expect(third.indices == all[2].indices)
        #expect(third.inputs == all[2].inputs)
    }

    @Test func epochReachesTheDataset() {
        // A wrapper that writes the epoch into each sample: how augmentation will see it.
        struct EpochStamped: Dataset {
            let base: TensorDataset
            var count: Int { base.count }
            var sampleShape: [Int] { base.sampleShape }
            var classCount: Int { base.classCount }
            func label(at index: Int) -> Int { base.label(at: index) }
            func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
                base.copySample(at: index, into: destination)
            }
            func copySample(at index: Int, epoch: Int, into destination: UnsafeMutableBufferPointer<Float>) {
                base.copySample(at: index, into: destination)
                destination[0] = Float(epoch)
            }
        }
        let loader = DataLoader(EpochStamped(base: numberedDataset(4)), batchSize: 4)
        let batch = loader.batches(epoch: 9)[0]
        #expect((0..<4).map { batch.inputs[$0, 0, 0] } == [9, 9, 9, 9])
        #expect(batch.inputs[1, 0, 1] == 1001)
    }

    @Test func unlabelledBatchesCarryMinusOne() {
        let loader = DataLoader(TensorDataset(unlabelled: .ones([3, 4])), batchSize: 2)
        #expect(loader.batches().map(\.labels) == [[-1, -1], [-1]])
    }
}

/// The balanced sampler: each epoch as many samples as the data set, every class
/// equally often, deterministic from (seed, epoch), and sharded like the uniform one.
@Suite struct BalancedSamplingTests {
    /// 90 samples: 80 of class 0, 8 of class 1, 2 of class 2.
    static let data = try! TensorDataset(samples: .zeros([90, 1]), labels: (0..<90).map { $0 < 80 ? 0 : $0 < 88 ? 1 : 2 }, classCount: 3)

    static func loader(seed: UInt64 = 5) -> DataLoader {
        var loader = DataLoader(data, batchSize: 16, shuffle: true, seed: seed)
        loader.sampling = .balanced
        return loader
    }

    @Test func everyClassEquallyOftenAndDeterministic() {
        let order = Self.loader().order(epoch: 3)
        #expect(order.count == 90)
        let counts = (0..<3).map { c in order.filter { Self.data.label(at: $0) == c }.count }
        #expect(counts == [30, 30, 30])
        #expect(Set(order.filter { $0 >= 88 }) == [88, 89], "the smallest class is oversampled")
        #expect(Set(order.filter { $0 < 80 }).count == 30, "the largest one undersampled, without repeats")
        #expect(order == Self.loader().order(epoch: 3))
        #expect(order != Self.loader().order(epoch: 4))
        #expect(order != Self.loader(seed: 6).order(epoch: 3))
    }

    @Test func ranksShardTheSameGlobalOrder() {
        let global = Self.loader().order(epoch: 1)
        let parts = (0..<3).map { Self.loader().sharded(rank: $0, of: 3, padded: true).order(epoch: 1) }
        #expect(parts.allSatisfy { $0.count == 30 })
        let interleaved: [Int] = (0..<90).map { (i: Int) -> Int in parts[i % 3][i / 3] }
        #expect(interleaved == global)
    }
}
