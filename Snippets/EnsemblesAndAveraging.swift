// The notes' "last 2 %": independent members, snapshots of one run, and averaged weights.
import Anneal
import Foundation

var base = RunConfig(model: .mlp)
base.epochs = 3
base.data.trainSubset = 6000
base.control.tensorboard = false
base.control.report = false

// Independent members: the same configuration with seeds 0, 1, 2 (other initial weights,
// data order and dropout masks), here also with different learning rates.
let ensemble = try EnsembleTraining(base: base, members: 3, directory: "runs/ensembles/members",
                                    variations: [try .init(parsing: "optimizer.learningRate=0.03|0.05|0.08")])
try ensemble.train(finished: { i, outcome in
    print(String(format: "member %d: test accuracy %.4f", i + 1, outcome?.evaluation?.accuracy ?? .nan))
})
let report = try EnsembleReport.evaluate(directory: "runs/ensembles/members", combination: .probabilities)
for line in report.lines { print(line) }

// Snapshots of one run: cosine cycles that restart the learning rate, one weights file
// at the end of each cycle (Huang et al. 2017), scored together.
var snapshots = base
snapshots.epochs = 4
snapshots.control.snapshots = 2
_ = try Run(snapshots, directory: "runs/ensembles/snapshots", overwrite: true).fit()
let snapshotEnsemble = try Predictor(weights: (1...2).map { "runs/ensembles/snapshots/" + Run.snapshotFileName($0) })
print(String(format: "snapshot ensemble of 2: test accuracy %.4f", try snapshotEnsemble.evaluate(try FashionMNIST.load(.test)).accuracy))

// Averaged weights: stochastic weight averaging from epoch 3 on, and an exponential
// moving average of the weights; each gives one model, no slower to run.
var swa = base
swa.epochs = 4
swa.control.swaStartEpoch = 3
let swaOutcome = try Run(swa, directory: "runs/ensembles/swa", overwrite: true).fit()
var ema = base
ema.control.ema = 0.999
let emaOutcome = try Run(ema, directory: "runs/ensembles/ema", overwrite: true).fit()
print(String(format: "SWA: %.4f; EMA of weights: %.4f", swaOutcome.evaluation?.accuracy ?? .nan, emaOutcome.evaluation?.accuracy ?? .nan))
