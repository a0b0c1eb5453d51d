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
        let log = !json
        func say(_ s: String) { if log { print(s); fflush(nil) } }
        say("doctor: model \(doctor.config.model.name.rawValue), \(doctor.trainingSet.count) training images (validation held out, test set untouched)")

        let initial = try doctor.checkInitialLoss()
        say("1. initial loss: \(initial.ok ? "ok" : "FAIL")")
        for f in initial.findings { say("   " + f) }

        let overfit = try doctor.overfit(samples: overfitSamples, steps: overfitSteps)
        say("2. overfit \(overfitSamples) examples: \(overfit.passed ? "ok" : "FAIL")")
        for f in overfit.findings { say("   " + f) }

        var settings = LearningRateRangeTest.Settings()
        settings.start = rangeStart; settings.end = rangeEnd; settings.steps = rangeSteps
        let range = try doctor.rangeTest(settings)
        let validateEpochs = self.validateEpochs ?? doctor.defaultValidationEpochs
        try Directory.create(out)
        let pngPath = "\(out)/lr-range.png"
        try range.plot(to: pngPath)
        say("3. learning-rate range test (\(range.learningRates.count) steps): range-test lr \(range.suggestedLR.map { String(format: "%.3g", $0) } ?? "none")")
        for f in range.findings { say("   " + f) }
        say("   wrote \(pngPath) (x: log10 lr; blue raw loss, orange smoothed, green the suggestion)")
        if validateEpochs > 0 && range.minimumLR != nil {
            say("   short runs of \(validateEpochs) epoch\(validateEpochs == 1 ? "" : "s") at 5 rates around the loss minimum:")
        }
        let validation = try doctor.validateRates(after: range, epochs: validateEpochs) { trial in
            let result = trial.validationLoss.map { String(format: "validation loss %.4f, accuracy %.2f %%", $0, 100 * (trial.validationAccuracy ?? .nan)) }
                ?? "failed: \(trial.failure ?? "no result")"
            say(String(format: "     lr %-9.3g ", trial.learningRate) + result + String(format: "  (%.0f s)", trial.seconds))
        }
        for f in validation?.findings ?? [] { say("   " + f) }
        let suggested = validation?.bestLR ?? range.suggestedLR

        let stats = try doctor.layerStatistics()
        say("4. per-layer statistics at initialization:")
        if log {
            print("   layer      kind              act mean   act std   dead %   grad norm")
            for l in stats.layers {
                print("   " + l.name.padding(toLength: 10, withPad: " ", startingAt: 0) + " "
                      + l.kind.padding(toLength: 16, withPad: " ", startingAt: 0)
                      + String(format: " %9.4f %9.4f", l.activationMean, l.activationStd)
                      + (l.deadFraction.map { String(format: " %7.1f", $0 * 100) } ?? "        ")
                      + (l.gradientNorm.map { String(format: "   %.3g", $0) } ?? ""))
            }
        }
        for f in stats.findings { say("   " + f) }

        let findings = initial.findings + overfit.findings + range.findings + (validation?.findings ?? []) + stats.findings
        if json {
            var object: [String: Any] = [
                "model": doctor.config.model.name.rawValue,
                "initial_loss": num(initial.initialLoss), "expected_initial_loss": initial.expectedLoss, "initial_loss_ok": initial.ok,
                "regularized_loss": num(initial.regularizedLoss),
                "regularization_raises_loss": initial.regularizationRaisesLoss ?? NSNull(),
                "overfit_passed": overfit.passed, "overfit_steps": overfit.steps, "overfit_samples": overfit.samples,
                "overfit_symptom": overfit.symptom?.rawValue ?? NSNull(),
                "suggested_lr": num(suggested), "range_test_lr": num(range.suggestedLR), "steepest_lr": num(range.steepestLR),
                "lr_trial_epochs": validation?.epochs ?? 0,
                "lr_trials": (validation?.trials ?? []).map { t -> [String: Any] in
                    ["lr": t.learningRate, "validation_loss": num(t.validationLoss), "validation_accuracy": num(t.validationAccuracy),
                     "failure": t.failure ?? NSNull()]
                },
                "loss_minimum_lr": num(range.minimumLR), "lr_range_png": pngPath,
                "findings": findings,
            ]
            object["layers"] = stats.layers.map { l -> [String: Any] in
                var d: [String: Any] = ["name": l.name, "kind": l.kind, "activation_mean": num(l.activationMean), "activation_std": num(l.activationStd)]
                if let x = l.deadFraction { d["dead_fraction"] = num(x) }
                if let x = l.gradientNorm { d["gradient_norm"] = num(x) }
                return d
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        }
    }

    /// A JSON number, or null for nil and non-finite values.
    func num(_ x: Double?) -> Any { x.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
}
