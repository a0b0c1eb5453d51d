import Anneal
import ArgumentParser
import Foundation

/// Coarse-to-fine hyperparameter search: trials are `anneal train` processes of this
/// executable (one thread each, on a validation split), logged to DIR/trials.jsonl.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Hyperparameter search (random or grid, coarse then refined) on a validation split, trials in parallel worker processes.",
        discussion: """
        SPEC: comma-separated NAME=DIST(ARGS) with NAME a run configuration field (a run.json path such as \
        optimizer.learningRate, or a unique field name: lr, weight-decay, dropout, batch-size, label-smoothing, …) and DIST \
        log(LOW,HIGH), uniform(LOW,HIGH), int(LOW,HIGH) or choice(A,B,…), e.g. \
        lr=log(1e-4,1),weight-decay=log(1e-6,1e-2),dropout=uniform(0,0.6),batch-size=choice(64,128,256). \
        Each trial is a run configuration, saved as DIR/trials/ID/run.json and in DIR/trials.jsonl. \
        --epochs is the coarse phase's budget. Every finished trial is appended to DIR/trials.jsonl; --resume skips those. \
        Trials below the better half at epochs 1, 2, 4, … stop early (successive halving). The test set is read once, \
        at the end, for the best trial.
        """)

    @OptionGroup var options: RunOptions
    @Option(help: "Search space (see below).") var space: String
    @Option(help: "Coarse trials.") var trials = 16
    @Option(help: "Refine phase: trials around the best K coarse trials (0: none).") var refine = 0
    @Option(help: "Refine phase: epochs per trial (default: 5 × --epochs).") var refineEpochs: Int?
    @Option(help: "Parallel worker processes (one thread each).") var workers = 2
    @Option(help: "Output directory (trials.jsonl, one subdirectory per trial, scatter.png).") var out = "runs/search"
    @Flag(help: "Skip the trials already in DIR/trials.jsonl.") var resume = false
    @Flag(help: "Grid search instead of random search.") var grid = false
    @Option(help: "Grid: values per continuous range.") var gridPoints = 3
    @Flag(help: "Do not stop bad trials early.") var noHalving = false
    @Flag(help: "Do not evaluate the best trial on the test set at the end.") var noTest = false
    @OptionGroup var preemption: PreemptionOptions

    func validate() throws {
        guard trials > 0, refine >= 0, workers > 0, gridPoints >= 2 else {
            throw ValidationError("--trials and --workers must be positive, --refine ≥ 0, --grid-points ≥ 2")
        }
        if let refineEpochs, refineEpochs <= 0 { throw ValidationError("--refine-epochs must be positive") }
        do {
            for d in try SearchSpace.parse(space).dimensions { _ = try RunConfig.field(named: d.name) }
        } catch { throw ValidationError("--space: \(error)") }
    }

    func run() throws {
        try preemption.install()
        let space = try SearchSpace.parse(self.space)
        let base = try options.makeConfig(defaultValidationSplit: 0.1)
        let epochs = try reportingConfigErrors { try base.resolved() }.epochs!
        guard base.data.validationSplit > 0 else { throw ValidationError("search tunes on a validation split: --val-split must be > 0") }
        if !resume && FileManager.default.fileExists(atPath: "\(out)/\(HyperparameterSearch.logFileName)") {
            throw ValidationError("\(out)/\(HyperparameterSearch.logFileName) exists: pass --resume to continue that search, or choose another --out")
        }
        var search = HyperparameterSearch(space: space, trials: trials, epochs: epochs)
        search.refine = refine
        search.refineEpochs = refineEpochs ?? epochs * 5
        search.grid = grid
        search.gridPoints = gridPoints
        search.workers = workers
        search.seed = base.seed
        if noHalving { search.halving = nil }
        let (refine, refineEpochs, workers, split) = (refine, search.refineEpochs, workers, base.data.validationSplit)
        let outcome = try exitingWhenPreempted { try search.run(directory: out, runner: HyperparameterSearch.processRunner(base: base, directory: out)) { event in
            switch event {
            case .starting(let coarse, let logged):
                print("search: \(coarse) coarse trials × \(epochs) epochs\(refine > 0 ? ", then \(refine) refined × \(refineEpochs)" : ""); "
                      + "\(workers) workers; validation split \(split); \(logged) trials already logged")
            case .refining(let narrowed): print("refine: " + narrowed.dimensions.map { d in "\(d.name)=\(d.distribution)" }.joined(separator: ","))
            case .finished(let t): print("\(t.id): " + t.summary)
            }
            fflush(nil)
        } }
        let names = space.dimensions.map(\.name)
        print("")
        for line in outcome.table(names: names) { print(line) }
        guard let best = outcome.best else { throw ValidationError("no trial finished") }
        for w in space.edgeWarnings(best.params) { print("warning: " + w) }
        print("best (val acc \(String(format: "%.4f", best.valAccuracy!))): "
              + names.map { "\($0)=\(best.params[$0]!)" }.joined(separator: " ") + ", \(best.epochs) epochs; "
              + "train it with: anneal train --config \(out)/trials/\(best.id)/run.json")
        print("wrote \(out)/trials.jsonl and \(outcome.scatterPlot) (validation accuracy against each hyperparameter, top to bottom: \(names.joined(separator: ", ")); log10 x for log ranges)")
        print("wrote \(outcome.report) (the trials as a table and a scatter per hyperparameter)")
        if !noTest, let dir = best.directory {
            let predictor = try Predictor(weights: ["\(dir)/\(Run.weightsFileName)"], testTimeAugmentation: TestTimeAugmentation.none)
            let metrics = try predictor.evaluate(try base.loadTestSet())
            print(String(format: "test accuracy of the best trial (reported once): %.4f", metrics.accuracy))
        }
    }
}
