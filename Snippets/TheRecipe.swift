// The recipe of the training notes from Swift: check the set-up before a long run, search
// hyperparameters on a validation split, then read the run the way the notes read it.
import Anneal
import Foundation

var config = RunConfig(model: .mlp)
config.data.trainSubset = 6000
config.data.validationSplit = 0.1     // held out of the training images; the test set is never read
config.control.tensorboard = false

// Before a long run: the doctor's checks (anneal doctor).
let doctor = try Doctor(config)
let initial = try doctor.checkInitialLoss()        // ln(10) ≈ 2.30 for 10 classes at the start
print(String(format: "1. initial loss %.3f, expected %.3f: %@", initial.initialLoss, initial.expectedLoss, initial.ok ? "ok" : "FAIL"))
let overfit = try doctor.overfit(samples: 20, steps: 300)   // regularization off: 20 images must reach 100 %
print("2. overfit 20 examples: \(overfit.passed ? "ok" : "FAIL") after \(overfit.steps) steps")
let layers = try doctor.layerStatistics()          // per layer: activation mean and std, dead and saturated units
for layer in layers.layers {
    print("   \(layer.name) (\(layer.kind)): activation std " + String(format: "%.3f", layer.activationStd))
}
for finding in initial.findings + overfit.findings + layers.findings { print("   " + finding) }

// Search: random learning rates and weight decays, 2 epochs each, on the validation split (anneal search).
var search = HyperparameterSearch(space: try SearchSpace.parse("lr=log(0.01,0.3),weight-decay=log(1e-5,1e-3)"), trials: 3, epochs: 2)
search.halving = nil
let trials = try search.run(search.coarseRequests(), log: TrialLog(path: "runs/recipe/search/trials.jsonl"),
                            runner: HyperparameterSearch.inProcessRunner(base: config, directory: "runs/recipe/search"))
for trial in HyperparameterSearch.ranked(trials) { print(trial.summary) }

// Train the best one with the layer watch on (every 20 optimizer steps: update/weight
// ratio, weight and gradient norms, activation statistics, into layers.csv).
var best = HyperparameterSearch.ranked(trials)[0].config ?? config
best.epochs = 3
best.control.watchEvery = 20
_ = try Run(best, directory: "runs/recipe/best", overwrite: true).fit()

// Read it: the curves' verdict and remedy, the layers' update ratios (anneal diagnose).
let diagnosis = try RunDiagnosis("runs/recipe/best")
for line in diagnosis.lines { print(line) }
