import Anneal
import ArgumentParser

@main
struct AnnealCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anneal",
        abstract: "Train, evaluate and benchmark neural networks (Fashion-MNIST built in).",
        subcommands: [TrainCommand.self, ResumeCommand.self, EnsembleCommand.self, EvaluateCommand.self, PredictCommand.self, ExportCommand.self, FeaturesCommand.self, FitHeadCommand.self, ReportCommand.self, AblateCommand.self, BenchCommand.self, ScheduleCommand.self, AugmentPreviewCommand.self, DoctorCommand.self, SearchCommand.self, DiagnoseCommand.self],
        defaultSubcommand: nil)

    static func main() {
        // A child of another anneal (a search trial, an ensemble member, a rank of train --ranks) dies with it.
        ChildProcess.adoptParentDeathSignal()
        main(nil)
    }
}
