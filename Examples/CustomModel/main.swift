// Example (b): a model and a callback of your own, driven by `Trainer`.
//
//   swift run -c release custom-model [EPOCHS] [TRAIN_IMAGES]
//
// The model is a small residual MLP (a `Module` subclass: parameters and submodules
// are found by reflection, named as in PyTorch's state dicts); the callback watches
// the events of the loop and keeps the global gradient norm of every step.
import Anneal
import Foundation

/// x → x + W₂·relu(W₁·x): a residual block on flat features. W₂ starts at zero, so
/// every block starts as the identity (the notes' zero-init of a residual branch's last layer).
final class ResidualMLPBlock: Module {
    let expand: Linear, project: Linear

    init(width: Int, hidden: Int) {
        expand = Linear(width, hidden)
        project = Linear(hidden, width, weightInit: .zeros)
    }

    override func forward(_ input: Tensor) -> Tensor { input + project(relu(expand(input))) }
}

final class ResidualMLP: Module {
    let flatten = Flatten()
    let stem: Linear
    let blocks: [ResidualMLPBlock]
    let head: Linear

    init(inputs: Int = 784, width: Int = 128, depth: Int = 2, classes: Int = 10) {
        stem = Linear(inputs, width)
        blocks = (0..<depth).map { _ in ResidualMLPBlock(width: width, hidden: 2 * width) }
        head = Linear(width, classes, weightInit: .xavierNormal())
    }

    override func forward(_ input: Tensor) -> Tensor {
        head(blocks.reduce(relu(stem(flatten(input)))) { x, block in block(x) })
    }
}

/// Keeps the global L2 norm of the gradients after every backward pass, and prints
/// the epoch's largest at its end: a callback sees the loop's typed events.
final class GradientNormWatch: TrainingCallback {
    private(set) var norms: [Double] = []

    func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        switch event {
        case .afterBackward:
            norms.append(GradientClipping.globalNorm(trainer.model.parameters))
        case .epochEnd(let record):
            let accuracy = record.evaluation.map { String(format: "%.4f", $0.accuracy) } ?? "-"
            print(String(format: "epoch %d: train loss %.4f, test accuracy %@, largest gradient norm %.3f",
                         record.epoch + 1, record.train.loss, accuracy, norms.max() ?? 0))
            norms.removeAll()
        default:
            break
        }
    }
}

let arguments = CommandLine.arguments
let epochs = arguments.count > 1 ? Int(arguments[1]) ?? 2 : 2
let images = arguments.count > 2 ? Int(arguments[2]) ?? 6000 : 6000
do {
    let model = try GlobalRandom.withSeed(0) { ResidualMLP() }
    let optimizer = SGD(model.parameters, learningRate: 0.05, momentum: 0.9)
    let train = try FashionMNIST.load(.train).subset(Array(0..<images)), test = try FashionMNIST.load(.test)
    let watch = GradientNormWatch()
    let trainer = Trainer(model: model, optimizer: optimizer, callbacks: [watch])
    try trainer.fit(DataLoader(train, batchSize: 128, shuffle: true, seed: 0), evaluation: DataLoader(test, batchSize: 1000), epochs: epochs)
    print("\(model.parameterCount) parameters; final test accuracy \(String(format: "%.4f", trainer.history.last?.evaluation?.accuracy ?? .nan))")
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
