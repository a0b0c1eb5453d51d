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

/// Records the event stream to check its order.
private final class EventLog: TrainingCallback {
    var names: [String] = []
    func handle(_ event: TrainingEvent, trainer: Trainer) {
        switch event {
        case .fitBegin: names.append("fitBegin")
        case .epochBegin: names.append("epochBegin")
        case .batchBegin: names.append("batchBegin")
        case .afterBackward: names.append("afterBackward")
        case .batchEnd: names.append("batchEnd")
        case .stepsEnd: names.append("stepsEnd")
        case .epochEnd: names.append("epochEnd")
        case .fitEnd: names.append("fitEnd")
        }
    }
}

/// Stops training at the end of the first epoch.
private final class StopAfterFirstEpoch: TrainingCallback {
    func handle(_ event: TrainingEvent, trainer: Trainer) {
        if case .epochEnd = event { trainer.stopRequested = true }
    }
}

private func fashionMNISTAvailable() -> Bool {
    (try? FashionMNIST.locate(.train)) != nil
}

@Suite struct TrainerTests {
    /// Files written by a test live here and go with the suite instance.
    private let dir = TemporaryDirectory()

    /// The notes' sanity check: a network must be able to overfit a small sample.
    @Test(.enabled(if: fashionMNISTAvailable())) func overfitsOneHundredTrainingImages() throws {
        GlobalRandom.seed(1)
        let images = try FashionMNIST.load(.train).prefix(100)
        let model = MLP.make(hidden: [256])
        let optimizer = SGD(model.parameters, learningRate: 0.1, momentum: 0.9)
        let trainer = Trainer(model: model, optimizer: optimizer)
        let loader = DataLoader(images, batchSize: 25, shuffle: true, seed: 1)
        // 100 epochs: every seed 0–11 reaches 100 % by epoch 60 (some not by 40), and parallel
        // tests reseeding GlobalRandom can hand this one any of those initializations.
        try trainer.fit(loader, epochs: 100)
        let metrics = Evaluator().evaluate(model, on: loader)
        #expect(metrics.accuracy == 1.0)
        #expect(metrics.loss < 0.05)
    }

    @Test func eventsArriveInOrderAndCallbacksCanStop() throws {
        let data = try TensorDataset(samples: randomTensor([8, 4], seed: 1), labels: [0, 1, 0, 1, 0, 1, 0, 1])
        let model = Sequential(Linear(4, 2))
        let log = EventLog()
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.1), callbacks: [log, StopAfterFirstEpoch()])
        let history = try trainer.fit(DataLoader(data, batchSize: 4), evaluation: DataLoader(data, batchSize: 8), epochs: 3)
        #expect(history.count == 1)
        #expect(log.names == ["fitBegin", "epochBegin",
                              "batchBegin", "afterBackward", "batchEnd", "batchBegin", "afterBackward", "batchEnd",
                              "stepsEnd", "epochEnd", "fitEnd"])
        #expect(history[0].evaluation?.samples == 8)
    }

    @Test func evaluatesEveryNEpochsAndAfterTheLastKeepingItsScores() throws {
        let data = try TensorDataset(samples: randomTensor([8, 4], seed: 1), labels: [0, 1, 0, 1, 0, 1, 0, 1])
        let model = Sequential(Linear(4, 2))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.1), settings: .init(evaluateEvery: 2))
        let evaluation = DataLoader(data, batchSize: 3)
        let history = try trainer.fit(DataLoader(data, batchSize: 4), evaluation: evaluation, epochs: 5)
        #expect(history.map { $0.evaluation != nil } == [false, true, false, true, true])
        // The last epoch's scores are those of the final weights, in the data's order.
        let scores = try #require(trainer.finalEvaluationScores)
        let again = trainer.evaluator.predict(model, on: evaluation)
        #expect(scores.shape == [8, 2] && scores.scalars == again.scalars)
        #expect(trainer.evaluator.evaluate(model, on: evaluation).accuracy == history[4].evaluation!.accuracy)
    }

    @Test func metricsCountAccuracyAndTopK() {
        var metrics = Metrics(k: 2)
        let logits = Tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
        metrics.add(meanLoss: 2, logits: logits, labels: [1, 1, 0])
        #expect(metrics.samples == 3)
        #expect(metrics.accuracy == 1.0 / 3.0)
        #expect(metrics.topKAccuracy == 2.0 / 3.0)
        #expect(metrics.loss == 2)
    }

    @Test func weightsRoundTripThroughSafetensors() throws {
        GlobalRandom.seed(2)
        var config = ModelConfig(name: .mlp)
        config.hidden = [16]
        config.activation = .prelu
        let model = try config.makeModel()
        let path = dir.file("model.safetensors")
        try WeightsFile(model: model, config: config, preprocessing: Preprocessing(mean: [0.28], std: [0.35])).write(to: path)
        let file = try WeightsFile.read(path)
        #expect(file.model == config)
        #expect(file.preprocessing == Preprocessing(mean: [0.28], std: [0.35]))
        GlobalRandom.seed(3)
        let restored = try config.makeModel()
        #expect(restored.stateDict() != model.stateDict())
        try file.apply(to: restored, path: path)
        #expect(restored.stateDict() == model.stateDict())
        // A different architecture is refused by name, and nothing is half-loaded.
        var other = config
        other.hidden = [8]
        let wrong = try other.makeModel()
        let before = wrong.stateDict()
        #expect(throws: AnnealIOError.self) { try file.apply(to: wrong, path: path) }
        #expect(wrong.stateDict() == before)
    }

    @Test func badConfigurationsNameTheField() {
        var config = ModelConfig(name: .resnet20)
        config.activation = .gelu
        #expect(throws: ConfigError(field: "model.activation", "the resnet20 model uses ReLU inside its residual blocks; 'gelu' is for mlp and cnn")) {
            try config.validate()
        }
        #expect(throws: ConfigError.self) { try OptimizerConfig(name: .adam, momentum: 0.9).validate() }
    }
}
