import Anneal
import ArgumentParser
import Foundation

/// Throughput of the augmentation pipeline as the trainer sees it: batches
/// assembled, augmented and handed over by T prefetching loader threads.
struct DataBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Augmented images per second on 28×28 Fashion-MNIST (crop + flip + affine + lens + erasing) with T loader threads.")

    @Option(help: "Augmentation spec (as anneal train --augment).")
    var augment = "crop:4,flip,affine:rot=10:shear=5:scale=0.9-1.1:translate=0.05,lens:0.1,erase:0.5"
    @Option(help: "Images per timed pass.") var images = 60_000
    @Option(help: "Batch size.") var batchSize = 128
    @Option(help: "Timed repetitions (median reported).") var repeats = 5
    @Option(help: "Directory with the Fashion-MNIST files (random images when absent).") var dataDir: String?
    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        guard images > 0 && batchSize > 0 && repeats > 0 else { throw ValidationError("--images, --batch-size and --repeats must be positive") }
        let spec: AugmentationSpec
        do { spec = try AugmentationSpec.parse(augment) } catch { throw AugmentationSpecError("--augment: \(error.message)") }
        let base = (try? FashionMNIST.load(.train, from: dataDir)) ?? syntheticImages()
        var indices = Array(0..<images)
        for i in indices.indices { indices[i] %= base.count }
        let data = images <= base.count ? base.prefix(images) : base.subset(indices)
        let dataset = AugmentedDataset(data, pipeline: spec.pipeline, seed: 1)
        for threads in try threadOptions.counts() {
            let loader = DataLoader(dataset, batchSize: batchSize, shuffle: true, seed: 1,
                                    batchTransform: spec.batchTransform, workers: threads)
            var epoch = 0
            let seconds = medianSeconds(repeats: repeats, warmup: 1) {
                var seen = 0
                for batch in loader.batches(epoch: epoch) { seen += batch.count }
                precondition(seen == images)
                epoch += 1
            }
            let rate = Double(images) / seconds
            printJSON(["bench": "data", "threads": threads, "images_per_s": rate, "images_per_s_per_thread": rate / Double(threads)])
        }
    }

    /// Smooth random 28×28 images when Fashion-MNIST is not installed.
    private func syntheticImages() -> TensorDataset {
        var generator = RandomGenerator(seed: 3)
        let samples = Tensor.uniform([10_000, 1, 28, 28], using: &generator)
        return try! TensorDataset(samples: samples, labels: (0..<10_000).map { $0 % 10 }, classCount: 10)
    }
}
