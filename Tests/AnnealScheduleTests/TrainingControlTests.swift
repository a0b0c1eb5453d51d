import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Shared mutable counters for loss functions and callbacks in one test.
private final class Box<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// Keeps the model's weights at each epoch end (listed before EarlyStopping, so
/// it sees the trained weights before any restore).
private final class EpochWeights: TrainingCallback {
    var weights: [[String: Tensor]] = []
    func handle(_ event: TrainingEvent, trainer: Trainer) {
        if case .epochEnd = event { weights.append(trainer.model.stateDict()) }
    }
}

/// Keeps the weights each step's forward pass used.
private final class StepWeights: TrainingCallback {
    var weights: [[String: Tensor]] = []
    func handle(_ event: TrainingEvent, trainer: Trainer) {
        if case .batchBegin = event { weights.append(trainer.model.stateDict()) }
    }
}

private func smallData() throws -> TensorDataset {
    try TensorDataset(samples: randomTensor([8, 4], seed: 11), labels: [0, 1, 2, 0, 1, 2, 0, 1])
}

private func makeModel() -> Sequential {
    GlobalRandom.seed(5)
    return Sequential(Linear(4, 3))
}

/// Training uses cross-entropy; evaluation adds a scripted offset per epoch so the
/// monitored test loss goes where the test wants it while the weights keep changing.
private func scriptedTrainer(_ model: Module, offsets: [Float], callbacks: [TrainingCallback]) -> Trainer {
    let epoch = Box(0)
    final class EpochTracker: TrainingCallback {
        let epoch: Box<Int>
        init(_ epoch: Box<Int>) { self.epoch = epoch }
        func handle(_ event: TrainingEvent, trainer: Trainer) { if case .epochBegin(let e) = event { epoch.value = e } }
    }
    return Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.1),
                   callbacks: [EpochTracker(epoch)] + callbacks,
                   lossFunction: { [unowned model] logits, batch in
                       let loss = crossEntropy(logits, labels: batch.labels)
                       return model.isTraining ? loss : loss + offsets[epoch.value]
                   })
}

@Suite struct EarlyStoppingTests {
    @Test func stopsAndRestoresTheBestWeights() throws {
        let model = makeModel(), epochs = EpochWeights()
        let stopping = EarlyStopping(monitor: .loss, patience: 2)
        let trainer = scriptedTrainer(model, offsets: [5, 0, 5, 5, 5, 5, 5, 5], callbacks: [epochs, stopping])
        let data = try smallData()
        let history = try trainer.fit(DataLoader(data, batchSize: 4), evaluation: DataLoader(data, batchSize: 8), epochs: 8)
        #expect(history.count == 4)            // best at epoch 1, two bad epochs, stop after epoch 3
        #expect(stopping.bestEpoch == 1)
        #expect(stopping.stoppedEpoch == 3)
        #expect(stopping.restoredBestWeights)
        #expect(model.stateDict() == epochs.weights[1])
        #expect(model.stateDict() != epochs.weights[3])
    }

    @Test func restoresTheBestWeightsAtTheLastEpoch() throws {
        let model = makeModel(), epochs = EpochWeights()
        let stopping = EarlyStopping(monitor: .loss, patience: 5)
        let trainer = scriptedTrainer(model, offsets: [5, 0, 3, 4], callbacks: [epochs, stopping])
        let data = try smallData()
        let history = try trainer.fit(DataLoader(data, batchSize: 4), evaluation: DataLoader(data, batchSize: 8), epochs: 4)
        #expect(history.count == 4)
        #expect(stopping.stoppedEpoch == nil)
        #expect(stopping.restoredBestWeights)
        #expect(model.stateDict() == epochs.weights[1])
    }

    @Test func minDeltaAndAccuracyMode() throws {
        // Improvements smaller than minDelta do not count: epoch 0 stays best.
        let model = makeModel(), epochs = EpochWeights()
        let stopping = EarlyStopping(monitor: .loss, patience: 2, minDelta: 0.5)
        let trainer = scriptedTrainer(model, offsets: [5, 4.9, 4.8, 4.7], callbacks: [epochs, stopping])
        let data = try smallData()
        try trainer.fit(DataLoader(data, batchSize: 4), evaluation: DataLoader(data, batchSize: 8), epochs: 4)
        #expect(stopping.bestEpoch == 0)
        #expect(stopping.stoppedEpoch == 2)
        #expect(model.stateDict() == epochs.weights[0])
        #expect(EarlyStopping(monitor: .accuracy).mode == .max)
    }
}

@Suite struct GradientClippingTests {
    private func parameters(_ grads: [[Float]]) -> [Parameter] {
        grads.map { g in
            let p = Parameter(Tensor([Float](repeating: 0, count: g.count)))
            p.value.grad = Tensor(g)
            return p
        }
    }

    @Test func clipsByGlobalNorm() {
        let ps = parameters([[3, 0], [0, 4]])   // ‖g‖ = 5
        let clipping = GradientClipping(maxNorm: 1)
        clipping.clip(ps)
        #expect(clipping.lastNorm == 5)
        let scale = Float(1 / (5 + 1e-6))
        expectClose(ps[0].grad!.scalars, [3 * scale, 0], tolerance: 1e-6)
        expectClose(ps[1].grad!.scalars, [0, 4 * scale], tolerance: 1e-6)
        #expect(abs(GradientClipping.globalNorm(ps) - 1) < 1e-5)

        let small = parameters([[0.3, 0.4]])
        GradientClipping(maxNorm: 1).clip(small)
        #expect(small[0].grad!.scalars == [0.3, 0.4])
    }

    @Test func clipsByValueThenNorm() {
        let ps = parameters([[3, -5, 1, 0.5]])
        GradientClipping(maxValue: 2).clip(ps)
        #expect(ps[0].grad!.scalars == [2, -2, 1, 0.5])

        let both = parameters([[30, -40], [0]])
        GradientClipping(maxNorm: 1, maxValue: 3).clip(both)   // values → [3, -3], norm 3√2 → 1
        let scale = Float(1 / (3 * 2.0.squareRoot() + 1e-6))
        expectClose(both[0].grad!.scalars, [3 * scale, -3 * scale], tolerance: 1e-6)
    }

    @Test func leavesNonFiniteGradientsForTheNaNGuard() {
        let ps = parameters([[.infinity, 1]])
        GradientClipping(maxNorm: 1).clip(ps)
        #expect(ps[0].grad!.scalars == [.infinity, 1])
    }

    /// In a Trainer, the optimizer steps with the clipped gradients.
    @Test func theOptimizerSeesClippedGradients() throws {
        final class GradientRecorder: TrainingCallback {
            var grads: [Tensor] = []
            func handle(_ event: TrainingEvent, trainer: Trainer) {
                if case .afterBackward = event { grads = trainer.model.parameters.map { $0.grad! } }
            }
        }
        let model = makeModel(), recorder = GradientRecorder()
        let before = model.parameters.map(\.value.scalars)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 1),
                              callbacks: [GradientClipping(maxNorm: 0.01), recorder],
                              lossFunction: { crossEntropy($0, labels: $1.labels) * 100 })
        try trainer.fit(DataLoader(try smallData(), batchSize: 8), epochs: 1)
        #expect(abs(GradientClipping.globalNorm(model.parameters) - 0.01) < 1e-6)
        for (i, p) in model.parameters.enumerated() {
            expectClose(p.value.scalars, zip(before[i], recorder.grads[i].scalars).map { $0 - $1 }, tolerance: 1e-6)
        }
    }
}

@Suite struct NaNGuardTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("anneal-nanguard-\(UUID().uuidString).safetensors").path
    }

    /// A loss that turns NaN at training step `badStep` (0-based).
    private func trainer(_ model: Module, badStep: Int, callbacks: [TrainingCallback]) -> Trainer {
        let calls = Box(0)
        return Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.3), callbacks: callbacks,
                       lossFunction: { logits, batch in
                           let loss = crossEntropy(logits, labels: batch.labels)
                           defer { calls.value += 1 }
                           return calls.value == badStep ? loss * Float.nan : loss
                       })
    }

    @Test func firesOnANaNLossAndSavesTheLastFiniteWeights() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = makeModel(), steps = StepWeights()
        let guardian = NaNGuard(save: writingWeights(to: path))
        let scheduler = LearningRateScheduler(ConstantSchedule(0.3))
        let trainer = trainer(model, badStep: 5, callbacks: [scheduler, steps, guardian])
        let error = try #require(throws: NonFiniteTrainingError.self) {
            try trainer.fit(DataLoader(try smallData(), batchSize: 2), epochs: 3)   // 4 steps per epoch
        }
        #expect(error.step == 5 && error.epoch == 1 && error.batch == 1)
        #expect(error.parameter == nil && error.value.isNaN)
        #expect(error.learningRate == 0.3)
        #expect(error.savedPath == path && error.savedStep == 4)
        let message = error.description
        #expect(!message.contains("\n"))
        #expect(message.contains("step 5") && message.contains("learning rate 0.3") && message.contains("learning rate too high?"))
        // The last weights whose loss and gradients were finite: those step 4 ran with.
        let saved = try WeightsFile.read(path)
        #expect(saved.state == steps.weights[4])
        #expect(saved.state.values.allSatisfy { $0.scalars.allSatisfy(\.isFinite) })
    }

    @Test func namesTheParameterWithANonFiniteGradient() throws {
        final class Poison: TrainingCallback {
            func handle(_ event: TrainingEvent, trainer: Trainer) {
                if case .afterBackward(_, let step, _) = event, step == 2 {
                    let bias = trainer.model.namedParameters().first { $0.name.hasSuffix("bias") }!.parameter
                    var g = bias.grad!.scalars
                    g[1] = .infinity
                    bias.value.grad = Tensor(g)
                }
            }
        }
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = makeModel(), steps = StepWeights()
        let trainer = trainer(model, badStep: -1, callbacks: [steps, Poison(), NaNGuard(snapshotEvery: 2, save: writingWeights(to: path))])
        let error = try #require(throws: NonFiniteTrainingError.self) {
            try trainer.fit(DataLoader(try smallData(), batchSize: 2), epochs: 1)
        }
        #expect(error.parameter == "0.bias" && error.value == .infinity && error.step == 2)
        #expect(error.description.contains("'0.bias'"))
        // Snapshots every 2 steps: step 2 failed its check, so step 0's weights are the last saved.
        #expect(error.savedStep == 0)
        #expect(try WeightsFile.read(path).state == steps.weights[0])
    }

    @Test func aFailingFirstStepSavesNothing() throws {
        let path = temporaryPath()
        let trainer = trainer(makeModel(), badStep: 0, callbacks: [NaNGuard(save: writingWeights(to: path))])
        let error = try #require(throws: NonFiniteTrainingError.self) {
            try trainer.fit(DataLoader(try smallData(), batchSize: 4), epochs: 1)
        }
        #expect(error.savedPath == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(error.description.contains("no weights saved"))
    }
}

/// The NaN guard's save action as `Run` sets it up: the weights file at `path`.
func writingWeights(to path: String) -> ([String: Tensor]) throws -> String {
    { state in
        try WeightsFile(state: state).write(to: path)
        return path
    }
}
