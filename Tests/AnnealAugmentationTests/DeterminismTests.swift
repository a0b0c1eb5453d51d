import AnnealData
import AnnealIO
import AnnealTensor
import Testing

/// Augmented batches depend on (seed, epoch, index) only: any number of loader
/// threads, any read order, the same pixels.
@Suite struct DeterminismTests {
    let pipeline = AugmentationPipeline([
        RandomCrop(padding: 2), HorizontalFlip(), RandomAffine(rotation: -10...10, scale: 0.9...1.1, shearX: -5...5),
        LensDistortion(k1: -0.1...0.1), RandomErasing(probability: 0.5), ColorJitter(brightness: 0.2),
    ])

    func loader(workers: Int, transform: (any BatchTransform)? = BatchTransformChoice([Mixup(alpha: 0.4), CutMix()])) -> DataLoader {
        DataLoader(AugmentedDataset(rampDataset(count: 50, channels: 3), pipeline: pipeline, seed: 7),
                   batchSize: 8, shuffle: true, seed: 7, batchTransform: transform, workers: workers)
    }

    func replay(_ loader: DataLoader, epoch: Int) -> [Batch] {
        var batches: [Batch] = []
        for batch in loader.batches(epoch: epoch) { batches.append(batch) }
        return batches
    }

    @Test func sameBatchesWithZeroOneAndTwoWorkerThreads() {
        for epoch in [0, 3] {
            let reference = replay(loader(workers: 0), epoch: epoch)
            #expect(reference.count == 7)
            for workers in [1, 2] {
                let replayed = replay(loader(workers: workers), epoch: epoch)
                #expect(replayed.count == reference.count)
                for (a, b) in zip(reference, replayed) {
                    #expect(a.indices == b.indices)
                    #expect(a.labels == b.labels)
                    #expect(a.inputs == b.inputs)
                    #expect(a.targets == b.targets)
                }
            }
        }
    }

    @Test func workersAndRandomAccessAgree() {
        let threaded = loader(workers: 2)
        let batches = replay(threaded, epoch: 1)
        for position in [6, 0, 3] {
            #expect(threaded.batches(epoch: 1)[position].inputs == batches[position].inputs)
        }
    }

    @Test func epochsAndSeedsChangeTheAugmentation() {
        let data = AugmentedDataset(rampDataset(count: 4), pipeline: pipeline, seed: 1)
        #expect(data.sample(at: 2, epoch: 0) == data.sample(at: 2, epoch: 0))
        #expect(data.sample(at: 2, epoch: 0) != data.sample(at: 2, epoch: 1))
        let other = AugmentedDataset(rampDataset(count: 4), pipeline: pipeline, seed: 2)
        #expect(data.sample(at: 2, epoch: 0) != other.sample(at: 2, epoch: 0))
        // Reading other samples first changes nothing.
        let before = data.sample(at: 3, epoch: 5)
        _ = (0..<4).map { data.sample(at: $0, epoch: 5) }
        #expect(data.sample(at: 3, epoch: 5) == before)
    }

    @Test func breakingOutOfAnEpochStopsTheWorkers() {
        let threaded = loader(workers: 2)
        for _ in 0..<20 {
            for (step, _) in threaded.batches(epoch: 0).enumerated() where step == 1 { break }
        }
        // Still consistent afterwards.
        #expect(replay(threaded, epoch: 0).count == 7)
    }

    @Test func emptyAndSingleBatchLoaders() {
        let empty = DataLoader(rampDataset(count: 3), batchSize: 8, dropLast: true, workers: 2)
        #expect(replay(empty, epoch: 0).isEmpty)
        let single = DataLoader(rampDataset(count: 3), batchSize: 8, workers: 3)
        #expect(replay(single, epoch: 0).map(\.count) == [3])
    }

    @Test func plainLoaderStillMatchesItsDataset() {
        let data = rampDataset(count: 20)
        let loader = DataLoader(data, batchSize: 6, shuffle: true, seed: 1, workers: 2)
        for batch in replay(loader, epoch: 2) {
            #expect(batch.inputs == Tensor.stack(batch.indices.map { data.sample(at: $0) }))
        }
    }
}
