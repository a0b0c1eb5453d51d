import Anneal
import ArgumentParser
import Foundation

struct EnsembleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ensemble", abstract: "Ensembles of independently trained models.",
        subcommands: [EnsembleTrainCommand.self])
}

struct EnsembleTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train K members that differ in seed, then evaluate each and their ensemble.",
        discussion: """
        Members go to DIR/member-1 … DIR/member-K (each a complete run directory) and DIR/ensemble.json lists them. \
        Running the same command again after a kill skips finished members and resumes the unfinished one. \
        Evaluate the ensemble later with 'anneal evaluate --weights DIR/member-*/model.safetensors'.
        """)

    @OptionGroup var options: RunOptions
    @Option(help: "Members.") var members = 5
    @Option(help: combineHelp) var combine: Ensemble.Combination = .probabilities
    @Option(help: "Output directory.") var out = "runs/ensemble"

    func run() throws {
        options.data.applyThreads()
        let base = try options.makeConfig()
        let training = try reportingConfigErrors { try EnsembleTraining(base: base, members: members, directory: out) }
        var accuracies: [Double] = []
        try reportingConfigErrors {
            try training.train(callbacks: progressCallbacks(noProgress: options.noProgress), starting: { i, run in
                print("member \(i + 1)/\(members) (seed \(run.config.seed)): " + run.summary[0])
                fflush(nil)
            }, finished: { i, outcome in
                if outcome == nil { print("member \(i + 1)/\(members): finished earlier") }
            })
        }
        // Every member (including ones finished earlier) and the ensemble, on the same evaluation set.
        let config = try reportingConfigErrors { try base.resolved() }
        let (_, evaluationSet) = try config.loadData()
        let loader = DataLoader(evaluationSet, batchSize: 1000)
        let name = config.data.usesValidation ? "validation" : "test"
        for (i, path) in training.weightsFiles.enumerated() {
            let (model, _, preprocessing) = try loadModel(path, preset: nil)
            let accuracy = Evaluator(preprocessing: preprocessing, testTimeAugmentation: config.control.tta).evaluate(model, on: loader).accuracy
            accuracies.append(accuracy)
            print(String(format: "member %d %@ accuracy: %.4f", i + 1, name, accuracy))
        }
        let ensemble = try Ensemble.load(training.weightsFiles, combination: combine)
        let metrics = Evaluator(testTimeAugmentation: config.control.tta).evaluate(ensemble, on: loader)
        let mean = accuracies.reduce(0, +) / Double(accuracies.count)
        print(String(format: "mean member %@ accuracy: %.4f", name, mean))
        print("wrote \(out)/\(EnsembleTraining.manifestFileName)")
        print(String(format: "ensemble %@ accuracy: %.4f (%+.2f points over the mean member)", name, metrics.accuracy, (metrics.accuracy - mean) * 100))
    }
}
