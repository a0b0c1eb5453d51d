// Data parallelism over MPI: run this program under `mpirun -np 2`; each rank trains on
// its half of every batch, the gradients are averaged, and rank 0 writes the run.
// Started without mpirun, it is a group of one process and trains alone.
import Anneal
import AnnealMPI
import Foundation

Preemption.catchSignals()   // first: a stop signal then checkpoints instead of killing the ranks
let group: any ProcessGroup = try MPIProcessGroup.world() ?? SingleProcess()

var config = RunConfig(model: .mlp)
config.epochs = 2
config.data.trainSubset = 6000
config.data.batchSize = 64             // per rank, as PyTorch's DDP: 2 ranks step on 128 images together
config.parallel.syncBatchNorm = false  // the mlp has none; true sums batch statistics over the ranks
config.control.tensorboard = false

// Every rank builds the same run; a requeued job continues the checkpoint it finds.
let run = try Run.startOrResume(config, directory: "runs/distributed", group: group)
do {
    let outcome = try run.fit()
    if group.isWriter {
        print(String(format: "%d rank(s): test accuracy %.4f", group.size, outcome.evaluation?.accuracy ?? .nan))
    }
} catch let stop as TrainingPreempted {
    if group.isWriter { print(stop) }   // every rank stopped after the same step; rank 0 wrote the checkpoint
    exit(Preemption.exitStatus)
}
