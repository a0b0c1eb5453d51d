import AnnealTensor
import ArgumentParser

@main
struct AnnealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anneal",
        abstract: "Train, evaluate and benchmark neural networks (Fashion-MNIST built in).",
        subcommands: [TrainCommand.self, ResumeCommand.self, EnsembleCommand.self, EvaluateCommand.self, PredictCommand.self, FeaturesCommand.self, FitHeadCommand.self, ReportCommand.self, AblateCommand.self, BenchCommand.self, ScheduleCommand.self, AugmentPreviewCommand.self, DoctorCommand.self, SearchCommand.self, DiagnoseCommand.self],
        defaultSubcommand: nil)
}
