import Anneal
import ArgumentParser
import Foundation

/// Options shared by the commands that build a model and read Fashion-MNIST.
struct DataOptions: ParsableArguments {
    @Option(help: "Data set (only fashion-mnist for now).") var dataset = "fashion-mnist"
    @Option(help: "Directory with the IDX files (default: /usr/share/datasets/fashion-mnist).") var dataDir: String?
    @Option(name: .customLong("batch-size"), help: "Batch size (default 128; anneal train: the preset's, 64 for resnets).")
    var batchSizeOption: Int?
    var batchSize: Int { batchSizeOption ?? 128 }
    @Option(help: "Threads for kernels and oneDNN (default: ANNEAL_NUM_THREADS or all cores).") var threads: Int?

    func validate() throws {
        guard dataset == "fashion-mnist" else { throw ValidationError("unknown dataset '\(dataset)'; valid: fashion-mnist") }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
        if let threads, threads <= 0 { throw ValidationError("--threads must be positive, got \(threads)") }
    }

    func applyThreads() { if let threads { Threads.count = threads } }
}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on Fashion-MNIST, evaluating on the test set after each epoch.",
        discussion: "Writes DIR/metrics.csv and DIR/model.safetensors and ends with 'test accuracy: 0.XXXX'.")

    @OptionGroup var options: TrainOptions
    @Option(help: "Output directory.") var out = "runs/latest"

    func run() throws {
        if let watcher = testSetWatcher {
            // Choosing when to stop (or decay) by the test set makes its final accuracy optimistic.
            FileHandle.standardError.write(Data(("warning: \(watcher) watches the test set's \(options.lrSchedule.monitor); "
                + "the final test accuracy is then optimistic. Pass --val-split 0.1 to decide on held-out training images.\n").utf8))
        }
        let (train, evaluation) = try options.loadData()
        let outcome = try options.run(train: train, evaluation: evaluation, outputDirectory: out)
        // Read the curves the way the notes do: still improving, overfitting, underfitting, lr too high or low.
        for line in try CurveDiagnosis.report(outcome.history, png: "\(out)/curves.png",
                                              evaluationName: options.usesValidation() ? "validation" : "test") { print(line) }
        print(String(format: "%@ accuracy: %.4f", options.usesValidation() ? "validation" : "test", outcome.evaluation?.accuracy ?? .nan))
    }

    /// The option that would select on the test set (early stopping or the plateau
    /// schedule monitoring loss or accuracy without a validation split), if any.
    var testSetWatcher: String? {
        guard !options.usesValidation(), [.loss, .accuracy].contains(options.lrSchedule.monitoredMetric) else { return nil }
        if options.control.earlyStop != nil { return "--early-stop" }
        return options.lrSchedule.schedule == "plateau" ? "--schedule plateau" : nil
    }
}

func parseSizes(_ text: String, option: String) throws -> [Int] {
    try text.split(separator: ",").map {
        guard let n = Int($0.trimmingCharacters(in: .whitespaces)), n > 0 else {
            throw ValidationError("\(option): '\($0)' is not a positive integer")
        }
        return n
    }
}
