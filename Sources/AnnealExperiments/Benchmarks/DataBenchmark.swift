import AnnealData
import AnnealTensor

/// Throughput of the input pipeline as the trainer sees it: batches read (decoded,
/// for a streamed image folder), augmented and handed over by prefetching loader threads.
public struct DataBenchmark {
    /// The images read (`dataset(_:imageSize:fashionMNISTDirectory:)` gives a source's as the benchmark reads them).
    public let dataset: any Dataset
    /// Applied to every image and batch as in training (empty: none).
    public let augmentation: AugmentationSpec
    /// Images per timed pass (the data set's, repeated when it is smaller).
    public let images: Int
    /// Images per batch (default 128).
    public var batchSize = 128
    /// Timed passes (after one warm-up; median reported).
    public var repeats = 5

    /// A benchmark of `images` images per pass of `dataset` under `augmentation`, in batches of 128, 5 timed passes.
    public init(dataset: any Dataset, augmentation: AugmentationSpec, images: Int) {
        self.dataset = dataset
        self.augmentation = augmentation
        self.images = images
    }

    /// Images per second with `threads` loader threads.
    public func imagesPerSecond(threads: Int) -> Double {
        let subset = AugmentedDataset(dataset.subset((0..<images).map { $0 % dataset.count }), pipeline: augmentation.pipeline, seed: 1)
        let loader = DataLoader(subset, batchSize: batchSize, shuffle: true, seed: 1, batchTransform: augmentation.batchTransform, workers: threads)
        var epoch = 0
        let seconds = Timing.medianSeconds(repeats: repeats, warmup: 1) {
            var seen = 0
            for batch in loader.batches(epoch: epoch) { seen += batch.count }
            precondition(seen == images, "DataBenchmark: a pass gave \(seen) of \(images) images")
            epoch += 1
        }
        return Double(images) / seconds
    }

    /// The training images of `source` as the benchmark reads them: an image folder
    /// streamed (every image decoded from its file on every read, no cache), other
    /// sources from memory; Fashion-MNIST, when not installed, random 28×28 images.
    public static func dataset(_ source: DataSource, imageSize: [Int]? = nil, fashionMNISTDirectory: String? = nil) throws -> any Dataset {
        switch source {
        case .fashionMNIST:
            return (try? FashionMNIST.load(.train, from: fashionMNISTDirectory)) ?? syntheticImages()
        case .imageFolder(let path):
            return try ImageFolder.load(ImageFolder.layout(of: path).train, imageSize: imageSize, cacheBudget: 0).dataset
        default:
            var config = RunConfig()
            config.data.dataset = source
            return try config.loadTrainingSet().dataset
        }
    }

    /// Smooth random 28×28 images (when Fashion-MNIST is not installed).
    public static func syntheticImages(count: Int = 10_000) -> TensorDataset {
        var generator = RandomGenerator(seed: 3)
        let samples = Tensor.uniform([count, 1, 28, 28], using: &generator)
        // The labels are 0...9 for 10 classes: nothing can throw.
        return try! TensorDataset(samples: samples, labels: (0..<count).map { $0 % 10 }, classCount: 10)
    }
}
