import Anneal
import ArgumentParser
import Foundation

/// Trains one variant per regularizer with the same seed, data and budget, and
/// tabulates how each changes the train/test gap against an unregularized run.
struct AblateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ablate",
        abstract: "Regularization ablation: train each technique with the same seed and budget; table and CSV of train/test accuracy and gap.",
        discussion: """
        Every row starts from the same unregularized base (no weight decay, no dropout, no augmentation, batch norm on) \
        and adds one technique. Train accuracy is measured on the (subset of the) training images in evaluation mode, \
        without augmentation, so the gap compares like with like.
        """)

    static let techniques: [(name: String, summary: String)] = [
        ("none", "no regularization"), ("l2", "L2 penalty 1e-3"), ("l1", "L1 penalty 2e-5"), ("elastic", "L1 2e-5 + L2 1e-3"),
        ("weight-decay", "SGD weight decay 5e-4"), ("dropout", "dropout 0.5"), ("dropconnect", "DropConnect 0.5 on the hidden Linear"),
        ("stochastic-depth", "stochastic depth 0.2 (resnet)"), ("fractional-pool", "fractional max pooling √2 (cnn)"),
        ("cutout", "Cutout 8×8"), ("mixup", "Mixup α = 0.2"), ("label-smoothing", "label smoothing 0.1"),
        ("max-norm", "max-norm 3"), ("augment", "crop 2 + flip"), ("batchnorm-off", "batch norm removed (cnn)"),
    ]

    @OptionGroup var options: TrainOptions
    @Option(help: "Comma-separated techniques: \(AblateCommand.techniques.map(\.name).joined(separator: ", ")).")
    var techniques = "none,l2,l1,elastic,dropout,dropconnect,fractional-pool,cutout,mixup,label-smoothing,batchnorm-off"
    @Option(help: "Output directory (one subdirectory per technique, plus ablation.csv).") var out = "runs/ablation"

    func run() throws {
        let names = techniques.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let known = Set(AblateCommand.techniques.map(\.name))
        if let bad = names.first(where: { !known.contains($0) }) {
            throw ValidationError("unknown technique '\(bad)'; valid: \(AblateCommand.techniques.map(\.name).joined(separator: ", "))")
        }
        let (train, test) = try options.loadData()
        print("ablation of \(options.model): \(train.count) training images, \(options.epochs) epochs, seed \(options.seed)")
        let header = "technique,description,train_acc,test_acc,gap,test_loss,seconds"
        var rows: [String] = []
        print("technique          train acc  test acc    gap   seconds  description")
        for name in names {
            guard var variant = try variant(name) else {
                print(name.padding(toLength: 18, withPad: " ", startingAt: 0) + " n/a for \(options.model)")
                continue
            }
            variant.noProgress = true
            let outcome = try variant.run(train: train, evaluation: test, outputDirectory: "\(out)/\(name)", log: false)
            let weights = try WeightsFile.read("\(out)/\(name)/model.safetensors")
            let trainAccuracy = Trainer.evaluate(outcome.model, on: DataLoader(train, batchSize: 1000),
                                                 preprocessing: weights.preprocessing ?? .none).accuracy
            let testAccuracy = outcome.evaluation?.accuracy ?? .nan
            let description = AblateCommand.description(of: name, in: variant)
            print(name.padding(toLength: 18, withPad: " ", startingAt: 0)
                  + String(format: "   %.4f    %.4f  %+.4f  %7.1f  %@", trainAccuracy, testAccuracy, trainAccuracy - testAccuracy,
                           outcome.seconds, description))
            fflush(nil)
            rows.append([name, "\"\(description)\"", String(format: "%.4f", trainAccuracy), String(format: "%.4f", testAccuracy),
                         String(format: "%.4f", trainAccuracy - testAccuracy), String(format: "%.4f", outcome.evaluation?.loss ?? .nan),
                         String(format: "%.1f", outcome.seconds)].joined(separator: ","))
            try AtomicFile.write(Array(([header] + rows).joined(separator: "\n").utf8) + [10], to: "\(out)/ablation.csv")
        }
        print("wrote \(out)/ablation.csv")
    }

    /// What the row trained with, in words.
    static func description(of name: String, in v: TrainOptions) -> String {
        switch name {
        case "l2": String(format: "L2 penalty %g", v.regularization.l2)
        case "l1": String(format: "L1 penalty %g", v.regularization.l1)
        case "elastic": String(format: "L1 %g + L2 %g", v.regularization.l1, v.regularization.l2)
        case "dropout": String(format: "dropout %g", v.dropout ?? 0)
        case "label-smoothing": String(format: "label smoothing %g", v.regularization.labelSmoothing ?? 0)
        default: techniques.first { $0.name == name }!.summary
        }
    }

    /// The base options with every regularizer off, then `name` switched on (nil: not applicable).
    /// A strength given on the command line (--l2 0.01, --dropout 0.3 …) replaces the default one.
    func variant(_ name: String) throws -> TrainOptions? {
        let l1 = options.regularization.l1 > 0 ? options.regularization.l1 : 2e-5
        let l2 = options.regularization.l2 > 0 ? options.regularization.l2 : 1e-3
        let dropout = options.dropout ?? 0.5
        let smoothing = options.regularization.labelSmoothing.flatMap { $0 > 0 ? $0 : nil } ?? 0.1
        var v = options.unregularized
        // Every row shares the standard architecture; pooling and batch norm are rows of their own.
        v.regularization.pool = nil
        v.regularization.batchnormOff = false
        let residual = options.model.hasPrefix("resnet")
        switch name {
        case "none": break
        case "l2": v.regularization.l2 = l2
        case "l1": v.regularization.l1 = l1
        case "elastic": v.regularization.l1 = l1; v.regularization.l2 = l2
        case "weight-decay": v.weightDecay = 5e-4
        case "dropout":
            if residual { return nil }
            v.dropout = dropout
        case "dropconnect":
            if residual { return nil }
            v.regularization.dropconnect = 0.5
        case "stochastic-depth":
            guard residual else { return nil }
            v.regularization.stochasticDepth = 0.2
        case "fractional-pool":
            guard options.model == "cnn" else { return nil }
            v.regularization.pool = "fractional"
        case "cutout": v.trainingData.augment = "cutout:8"
        case "mixup": v.trainingData.augment = "mixup:0.2"
        case "label-smoothing": v.regularization.labelSmoothing = smoothing
        case "max-norm": v.regularization.maxNorm = 3
        case "augment": v.trainingData.augment = "crop:2,flip"
        case "batchnorm-off":
            guard options.model == "cnn" else { return nil }
            v.regularization.batchnormOff = true
        default: return nil
        }
        return v
    }
}
