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

    @OptionGroup var options: RunOptions
    @Option(help: "Comma-separated techniques: \(valueList(RegularizationTechnique.self)).")
    var techniques = RegularizationTechnique.standard.map(\.rawValue).joined(separator: ",")
    @Option(help: "Output directory (one subdirectory per technique, plus ablation.csv).") var out = "runs/ablation"

    func run() throws {
        options.data.applyThreads()
        let names = techniques.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let chosen = try names.map { name -> RegularizationTechnique in
            guard let t = RegularizationTechnique(rawValue: name) else {
                throw ValidationError("unknown technique '\(name)'; valid: \(valueList(RegularizationTechnique.self))")
            }
            return t
        }
        let base = try options.makeConfig()
        _ = try reportingConfigErrors { try base.resolved() }
        let header = "technique,description,train_acc,test_acc,gap,test_loss,seconds"
        var rows: [String] = [], printedHeader = false
        for technique in chosen {
            let name = technique.rawValue
            guard let variant = try technique.variant(of: base).map({ v in try reportingConfigErrors { try v.resolved() } }) else {
                print(name.padding(toLength: 18, withPad: " ", startingAt: 0) + " n/a for \(base.model.name.rawValue)")
                continue
            }
            let run = try reportingConfigErrors { try Run(variant, directory: "\(out)/\(name)", overwrite: true) }
            if !printedHeader {
                print("ablation of \(base.model.name.rawValue): \(run.trainingSet.count) training images, \(variant.epochs!) epochs, seed \(variant.seed)")
                print("technique          train acc  test acc    gap   seconds  description")
                printedHeader = true
            }
            let outcome = try run.fit()
            let trainAccuracy = Evaluator(preprocessing: run.preprocessing)
                .evaluate(outcome.model, on: DataLoader(run.trainingSet, batchSize: 1000)).accuracy
            let testAccuracy = outcome.evaluation?.accuracy ?? .nan
            let description = technique.description(in: variant)
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
}
