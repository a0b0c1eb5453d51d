// A run is a value: the same configuration gives the same weights, to the bit, however
// often it is interrupted and resumed.
import Anneal
import Foundation

var config = RunConfig(model: .mlp)
config.epochs = 2
config.data.trainSubset = 4000
config.seed = 7                       // weights, data order, dropout: all from this seed
config.control.checkpointEvery = 10   // a checkpoint every 10 optimizer steps, and at every epoch end
config.control.tensorboard = false

// An uninterrupted run, for reference.
_ = try Run(config, directory: "runs/reproducible/whole", overwrite: true).fit()

// A crash in the middle of epoch 1: a callback that fails at step 25.
struct Crash: Error {}
final class CrashAtStep25: TrainingCallback {
    func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        if case .batchEnd(let report) = event, report.epoch == 0, report.step == 25 { throw Crash() }
    }
}
do {
    _ = try Run(config, directory: "runs/reproducible/crashed", callbacks: [CrashAtStep25()], overwrite: true).fit()
} catch is Crash {
    print("crashed after step 25; the newest checkpoint is from step 20")
}

// Resume: run.json rebuilds the run, the newest intact checkpoint restores weights,
// optimizer, schedule, random streams and the position in the epoch.
let resumed = try Run.resume(directory: "runs/reproducible/crashed")
print("resumed after \(resumed.resumedFrom?.epochProgress?.stepsDone ?? 0) steps of epoch 1")
_ = try resumed.fit()

let identical = FileManager.default.contentsEqual(atPath: "runs/reproducible/whole/model.safetensors",
                                                  andPath: "runs/reproducible/crashed/model.safetensors")
print("weights identical to the uninterrupted run's: \(identical)")

// Preemption: a stop request (a caught SIGTERM, or `Preemption.request()`) makes fit()
// write a checkpoint at the current step and throw; the same call again continues.
final class StopAtStep40: TrainingCallback {
    func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        if case .batchEnd(let report) = event, report.epoch == 1, report.step == 40 { Preemption.request() }
    }
}
do {
    _ = try Run.startOrResume(config, directory: "runs/reproducible/preempted", callbacks: [StopAtStep40()], overwrite: true).fit()
} catch let stop as TrainingPreempted {
    print(stop)
}
Preemption.clear()
_ = try Run.startOrResume(config, directory: "runs/reproducible/preempted").fit()
print("preempted and continued, identical: \(FileManager.default.contentsEqual(atPath: "runs/reproducible/whole/model.safetensors", andPath: "runs/reproducible/preempted/model.safetensors"))")
