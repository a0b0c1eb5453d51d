import Anneal
import ArgumentParser
import Foundation

/// The first three steps of the recipe plus per-layer statistics, each with a verdict.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Sanity checks before training: initial loss, overfitting a small sample, learning-rate range test, per-layer statistics.",
        discussion: "Uses the training images only (a --val-split of 0.1 is held out by default and not touched); never the test set.")

    @OptionGroup var options: RunOptions
    @Option(help: "Examples for the overfit check.") var overfitSamples = 20
    @Option(help: "Step budget for the overfit check.") var overfitSteps = 300
    @Option(help: "Range test: first learning rate.") var rangeStart = 1e-6
    @Option(help: "Range test: last learning rate.") var rangeEnd = 10.0
    @Option(help: "Range test: steps.") var rangeSteps = 200
    @Option(help: "Then train this many epochs at each of 5 rates around the range test's loss minimum, and suggest the one with the lowest validation loss (default: the run's epochs, at most 3; 0: the range test's suggestion only).")
    var validateEpochs: Int?
    @Option(help: "Directory for the range-test PNG.") var out = "runs/doctor"
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard overfitSamples > 0, overfitSteps > 0, rangeSteps >= 20 else { throw ValidationError("--overfit-samples/--overfit-steps must be positive and --range-steps ≥ 20") }
        guard rangeStart > 0, rangeEnd > rangeStart else { throw ValidationError("--range-start must be positive and below --range-end") }
        if let validateEpochs, validateEpochs < 0 { throw ValidationError("--validate-epochs must be 0 or more, got \(validateEpochs)") }
    }

    func run() throws {
        options.data.applyThreads()
        let doctor = try reportingConfigErrors { try Doctor(options.makeConfig(defaultValidationSplit: 0.1)) }
        var settings = Doctor.Settings()
        (settings.overfitSamples, settings.overfitSteps, settings.validationEpochs) = (overfitSamples, overfitSteps, validateEpochs)
        (settings.rangeTest.start, settings.rangeTest.end, settings.rangeTest.steps) = (rangeStart, rangeEnd, rangeSteps)
        func say(_ s: String) { if !json { print(s); fflush(nil) } }
        say("doctor: model \(doctor.config.model.name.rawValue), \(doctor.trainingSet.count) training images (validation held out, test set untouched)")
        let report = try doctor.examine(settings, directory: out) { step in
            switch step {
            case .initialLoss(let initial):
                say("1. initial loss: \(initial.ok ? "ok" : "FAIL")")
                for f in initial.findings { say("   " + f) }
            case .overfit(let overfit):
                say("2. overfit \(overfitSamples) examples: \(overfit.passed ? "ok" : "FAIL")")
                for f in overfit.findings { say("   " + f) }
            case .rangeTest(let range, let plot, let epochs):
                say("3. learning-rate range test (\(range.learningRates.count) steps): range-test lr \(range.suggestedLR.map { String(format: "%.3g", $0) } ?? "none")")
                for f in range.findings { say("   " + f) }
                say("   wrote \(plot) (x: log10 lr; blue raw loss, orange smoothed, green the suggestion)")
                if epochs > 0 { say("   short runs of \(epochs) epoch\(epochs == 1 ? "" : "s") at 5 rates around the loss minimum:") }
            case .rateTrial(let trial):
                let result = trial.validationLoss.map { String(format: "validation loss %.4f, accuracy %.2f %%", $0, 100 * (trial.validationAccuracy ?? .nan)) }
                    ?? "failed: \(trial.failure ?? "no result")"
                say(String(format: "     lr %-9.3g ", trial.learningRate) + result + String(format: "  (%.0f s)", trial.seconds))
            case .rateValidation(let validation):
                for f in validation?.findings ?? [] { say("   " + f) }
            case .layerStatistics(let stats):
                say("4. per-layer statistics at initialization:")
                say("   layer      kind              act mean   act std   dead %   grad norm")
                for l in stats.layers {
                    say("   " + l.name.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + l.kind.padding(toLength: 16, withPad: " ", startingAt: 0)
                        + String(format: " %9.4f %9.4f", l.activationMean, l.activationStd)
                        + (l.deadFraction.map { String(format: " %7.1f", $0 * 100) } ?? "        ")
                        + (l.gradientNorm.map { String(format: "   %.3g", $0) } ?? ""))
                }
                for f in stats.findings { say("   " + f) }
            }
        }
        if json { print(String(decoding: try report.json(), as: UTF8.self)) }
    }
}
