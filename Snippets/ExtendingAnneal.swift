// Anneal's own pieces are written against public protocols and classes; yours plug in
// the same way: an op with its gradient (checked), a layer, an optimizer, a schedule,
// a callback and an augmentation, trained together.
import Anneal
import Foundation

// An op with its own gradient: squareplus(x) = (x + √(x² + b)) / 2, a smooth ReLU
// (Barron 2021), whose derivative is (1 + x / √(x² + b)) / 2.
func squareplus(_ x: Tensor, b: Float = 4) -> Tensor {
    let root = withoutGrad { sqrt(x * x + b) }
    let value = withoutGrad { (x + root) * 0.5 }
    guard x.requiresGrad else { return value }
    return value.recorded(as: "squareplus", from: [x]) { gradient in
        [gradient * ((x.detached() / root + 1) * 0.5)]
    }
}

// Its gradient against finite differences, at points that cover both tails and the bend.
var generator = RandomGenerator(seed: 1)
let check = GradientCheck.compare([Tensor.uniform([2, 50], low: -4, high: 4, using: &generator)]) { squareplus($0[0]) }
guard check.largestError < 1e-2 else { fatalError("squareplus's gradient is wrong: \(check)") }
print(String(format: "squareplus: gradient within %.1e of finite differences", check.largestError))

// A layer: a Module subclass; parameters and submodules in stored properties are found by reflection.
final class SquarePlus: Module {
    override func forward(_ input: Tensor) -> Tensor { squareplus(input) }
}

// An optimizer: sign descent with momentum (Bernstein et al. 2018), p ← p − lr·sign(m).
// The base class walks the groups and keeps the per-parameter slots; `update` sees raw storage.
final class SignMomentum: Optimizer {
    init(_ parameters: some ParameterGroupsConvertible, learningRate: Float, momentum: Float = 0.9) {
        super.init(parameters, defaults: Hyperparameters(learningRate: learningRate, momentum: momentum))
    }
    override func slotNames(for hyperparameters: Hyperparameters) -> [String] { ["momentum"] }
    override func update(_ p: ParameterUpdate) {
        let rate = p.hyperparameters.learningRate, beta = p.hyperparameters.momentum, m = p.slot("momentum")
        p.forEachChunk { range in
            for i in range {
                m[i] = beta * m[i] + (1 - beta) * p.gradient[i]
                p.value[i] -= rate * (m[i] > 0 ? 1 : m[i] < 0 ? -1 : 0)
            }
        }
    }
}

// A schedule: the rate of optimizer step `step` (0 = the first); a pure function, so a resume needs only the step.
struct Triangle: LearningRateSchedule {
    let peak: Float, steps: Int
    func lr(_ step: Int) -> Float {
        let half = Float(steps) / 2, t = Float(min(step, steps))
        return peak * max(0.02, 1 - abs(t - half) / half)
    }
}

// A callback: sees every event of the loop, and may stop it.
final class StopAtTrainingAccuracy: TrainingCallback {
    let target: Double
    init(_ target: Double) { self.target = target }
    func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        guard case .epochEnd(let record) = event, record.train.accuracy >= target else { return }
        print(String(format: "epoch %d reached %.1f %% training accuracy: stopping", record.epoch + 1, 100 * record.train.accuracy))
        trainer.stopRequested = true
    }
}

// An augmentation: a per-sample transform of a CHW image in place; all randomness from `random`,
// which depends only on (seed, epoch, sample, stage), so epochs reproduce and resume exactly.
struct RandomInvert: Augmentation {
    let probability: Float
    var description: String { "invert:\(probability)" }
    func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        for i in 0..<(image.channels * image.planeSize) { image.pixels[i] = 1 - image.pixels[i] }
    }
}

// Together.
let model = GlobalRandom.withSeed(0) { Sequential([Flatten(), Linear(784, 256), SquarePlus(), Linear(256, 10)]) }
let train = AugmentedDataset(try FashionMNIST.load(.train).prefix(10000), pipeline: AugmentationPipeline([RandomInvert(probability: 0.1)]), seed: 0)
let test = try FashionMNIST.load(.test)
let loader = DataLoader(train, batchSize: 128, shuffle: true, seed: 0)
let trainer = Trainer(model: model, optimizer: SignMomentum(model.parameters, learningRate: 1e-3),
                      callbacks: [LearningRateScheduler(Triangle(peak: 1e-3, steps: 4 * loader.count)), StopAtTrainingAccuracy(0.9)])
try trainer.fit(loader, evaluation: DataLoader(test, batchSize: 1000), epochs: 4)
for record in trainer.history {
    print(String(format: "epoch %d: train accuracy %.4f, test accuracy %.4f", record.epoch + 1, record.train.accuracy, record.evaluation?.accuracy ?? .nan))
}
