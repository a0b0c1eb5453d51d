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
    @Option(help: "Then train this many epochs at each of 5 rates around the range test's loss minimum, and suggest the one with the lowest validation loss (default: the run's epochs, at most 3; 0: the range test's suggestion only).") var validateEpochs: Int?
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
        let report = try doctor.examine(settings, directory: out) { step in step.lines.forEach(say) }
        if json { print(String(decoding: try report.json(), as: UTF8.self)) }
    }
}
