import Anneal
import ArgumentParser
import Foundation

/// Throughput of the input pipeline as the trainer sees it: batches read (decoded,
/// for an image folder), augmented and handed over by T prefetching loader threads.
struct DataBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Images per second through the loader (decode + augmentation) with T loader threads, and the peak memory.",
        discussion: """
            An image folder is streamed: every image is decoded from its file on every read, as for a folder too large \
            to keep in memory. Other data sets are read from memory. Without Fashion-MNIST installed the default data are \
            random 28×28 images.
            """)

    @Option(help: "Data (as anneal train --data; default fashion-mnist).") var data: String?
    @Option(help: "Image folders: resize to HxW.") var imageSize: String?
    @Option(help: "Augmentation spec (as anneal train --augment).")
    var augment = "crop:4,flip,affine:rot=10:shear=5:scale=0.9-1.1:translate=0.05,lens:0.1,erase:0.5"
    @Option(help: "Images per timed pass (default: 60000, at most the data set's size for an image folder).") var images: Int?
    @Option(help: "Batch size.") var batchSize = 128
    @Option(help: "Timed repetitions (median reported).") var repeats = 5
    @Option(help: "Directory with the Fashion-MNIST files (random images when absent).") var dataDir: String?
    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        guard images ?? 1 > 0 && batchSize > 0 && repeats > 0 else { throw ValidationError("--images, --batch-size and --repeats must be positive") }
        let spec: AugmentationSpec
        do { spec = try AugmentationSpec.parse(augment) } catch { throw AugmentationSpecError("--augment: \(error.message)") }
        let source = try reportingConfigErrors { try data.map(DataSource.init(parsing:)) ?? .fashionMNIST }
        let base = try reportingConfigErrors {
            try DataBenchmark.dataset(source, imageSize: imageSize.map { try ValueParsing.imageSize($0, field: "--image-size") }, fashionMNISTDirectory: dataDir)
        }
        var benchmark = DataBenchmark(dataset: base, augmentation: spec,
                                      images: images ?? (source.isImageFolder ? min(60_000, base.count) : 60_000))
        benchmark.batchSize = batchSize
        benchmark.repeats = repeats
        for threads in try threadOptions.counts() {
            let rate = benchmark.imagesPerSecond(threads: threads)
            printJSON(["bench": "data", "data": "\(source)", "sample_shape": base.sampleShape.map(String.init).joined(separator: "x"),
                       "threads": threads, "images": benchmark.images, "images_per_s": rate, "images_per_s_per_thread": rate / Double(threads),
                       "peak_rss_mb": Timing.peakResidentMegabytes()])
        }
    }
}
