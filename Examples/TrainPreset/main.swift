// Example (a): train a preset from a RunConfig and get the full run directory
// (run.json, checkpoints while it trains, metrics.csv, model.safetensors, TensorBoard
// events, curves.png, report.html): everything `anneal train` writes, from Swift.
//
//   swift run -c release train-preset [OUT] [EPOCHS] [TRAIN_IMAGES]
//
// Only `import Anneal`: no MPI in it (the program builds without OpenMPI).
import Anneal
import Foundation

let arguments = CommandLine.arguments
let out = arguments.count > 1 ? arguments[1] : "runs/example-preset"
var config = RunConfig(model: .mlp)
config.epochs = arguments.count > 2 ? Int(arguments[2]) : 2
config.data.trainSubset = arguments.count > 3 ? Int(arguments[3]) : 6000
config.seed = 0

do {
    let run = try Run(config, directory: out, callbacks: [ProgressReporter(interactive: false)], overwrite: true)
    for line in run.summary { print(line) }
    let outcome = try run.fit()
    for line in outcome.diagnosis + outcome.warnings { print(line) }
    print(String(format: "%@ accuracy: %.4f; wrote %@", run.evaluationName, outcome.evaluation?.accuracy ?? .nan,
                 outcome.report ?? "no report"))
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
