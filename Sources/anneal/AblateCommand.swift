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
        let ablation = try reportingConfigErrors { try Ablation(base: try options.makeConfig(), techniques: chosen, directory: out) }
        let preset = ablation.base.model.name.rawValue
        try reportingConfigErrors {
            try ablation.run(starting: { run in
                print("ablation of \(preset): \(run.trainingSet.count) training images, \(run.config.epochs!) epochs, seed \(run.config.seed)")
                print("technique          train acc  test acc    gap   seconds  description")
            }, skipped: { technique in
                print(technique.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0) + " n/a for \(preset)")
            }, finished: { row in
                print(row.technique.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)
                      + String(format: "   %.4f    %.4f  %+.4f  %7.1f  %@", row.trainAccuracy, row.testAccuracy, row.gap, row.seconds, row.description))
                fflush(nil)
            })
        }
        print("wrote \(out)/\(Ablation.csvFileName)")
    }
}
