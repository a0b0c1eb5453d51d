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

/// Stochastic weight averaging and snapshot ensembles.
@Suite struct WeightAveragingRunTests {
    /// Keeps the parameters at every epoch's end, or with `everyStep` after every
    /// optimizer step (before the SWA callback sees them).
    final class Recorder: TrainingCallback {
        let everyStep: Bool
        var iterates: [[String: Tensor]] = []
        init(everyStep: Bool = false) { self.everyStep = everyStep }
        func handle(_ event: TrainingEvent, trainer: Trainer) {
            switch event {
            case .stepsEnd where !everyStep, .batchEnd where everyStep: break
            default: return
            }
            iterates.append(Dictionary(uniqueKeysWithValues: trainer.model.namedParameters().map { ($0.name, $0.parameter.value.detached()) }))
        }
    }

    @Test func theSWAAverageIsTheMeanOfTheEpochEndIterates() throws {
        GlobalRandom.seed(3)
        let data = try TensorDataset(samples: randomTensor([40, 4], seed: 1), labels: (0..<40).map { $0 % 3 })
        let model = Sequential(Linear(4, 6), ReLU(), Linear(6, 3))
        let loader = DataLoader(data, batchSize: 8, shuffle: true, seed: 2)
        let recorder = Recorder()
        let swa = StochasticWeightAveraging(startEpoch: 2, statisticsLoader: loader)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.1, momentum: 0.9), callbacks: [recorder, swa])
        try trainer.fit(loader, epochs: 5)
        #expect(swa.applied && swa.count == 3)
        for (name, parameter) in model.namedParameters() {
            let averaged = recorder.iterates[2...].map { $0[name]! }
            let mean = averaged.dropFirst().reduce(averaged[averaged.startIndex], +) / 3
            expectClose(parameter.value.scalars, mean.scalars, tolerance: 1e-6)
        }
    }

    @Test func withEveryTheAverageTakesEveryNthStepsIterates() throws {
        GlobalRandom.seed(3)
        let data = try TensorDataset(samples: randomTensor([40, 4], seed: 1), labels: (0..<40).map { $0 % 3 })
        let model = Sequential(Linear(4, 6), ReLU(), Linear(6, 3))
        let loader = DataLoader(data, batchSize: 8, shuffle: true, seed: 2)   // 5 steps per epoch
        let recorder = Recorder(everyStep: true)
        let swa = StochasticWeightAveraging(startEpoch: 2, every: 2, statisticsLoader: loader)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.1, momentum: 0.9), callbacks: [recorder, swa])
        try trainer.fit(loader, epochs: 4)
        // Steps 11…20 are epochs 3 and 4; the even ones (12, 14, 16, 18, 20) are averaged.
        let taken = [12, 14, 16, 18, 20].map { recorder.iterates[$0 - 1] }
        #expect(swa.applied && swa.count == 5)
        for (name, parameter) in model.namedParameters() {
            let mean = taken.dropFirst().reduce(taken[0][name]!) { $0 + $1[name]! } / 5
            expectClose(parameter.value.scalars, mean.scalars, tolerance: 1e-6)
        }
    }

    @Test func batchNormUpdateGivesTheStatisticsOfThePass() throws {
        let norm = BatchNorm1d(3)
        let model = Sequential(Linear(2, 3), norm, Dropout(0.5))
        let data = try TensorDataset(samples: randomTensor([30, 2], seed: 4), labels: [Int](repeating: 0, count: 30))
        let loader = DataLoader(data, batchSize: 10)
        StochasticWeightAveraging.updateBatchNorm(model, loader: loader)
        // Directly: the mean of each batch's mean and unbiased variance of the Linear outputs.
        let outputs = loader.batches().map { (model.layers[0] as! Linear)($0.inputs).scalars }
        for channel in 0..<3 {
            let columns = outputs.map { batch in stride(from: channel, to: batch.count, by: 3).map { Double(batch[$0]) } }
            let means = columns.map { $0.reduce(0, +) / Double($0.count) }
            let variances = zip(columns, means).map { c, m in c.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(c.count - 1) }
            #expect(abs(Double(norm.runningMean.value.scalars[channel]) - means.reduce(0, +) / 3) < 1e-5)
            #expect(abs(Double(norm.runningVar.value.scalars[channel]) - variances.reduce(0, +) / 3) < 1e-4)
        }
        #expect(norm.momentum == 0.1 && model.isTraining)
        // A frozen batch norm (a transferred backbone's) keeps its statistics.
        norm.runningMean.value = Tensor([1, 2, 3], shape: [3])
        model.freeze(prefix: "1.")
        StochasticWeightAveraging.updateBatchNorm(model, loader: loader)
        #expect(norm.runningMean.value.scalars == [1, 2, 3])
    }

    @Test func snapshotsAreWrittenAtTheEndOfEachCosineCycle() throws {
        let dir = TemporaryDirectory()
        var config = RunConfig(model: .mlp)
        config.model.hidden = [16]
        config.data.trainSubset = 512
        config.epochs = 3
        config.control.snapshots = 3
        let run = try Run(config, directory: dir.path)
        #expect(run.config.schedule.name == .cosineRestarts && run.config.schedule.cycles == 3)
        #expect(run.config.schedule.cycleEnds(epochs: 3, stepsPerEpoch: 4) == [4, 8, 12])
        let schedule = try run.config.schedule.makeSchedule(baseLR: 0.05, epochs: 3, stepsPerEpoch: 4, batchSize: 128)
        #expect(schedule.lr(4) == 0.05 && schedule.lr(8) == 0.05 && schedule.lr(3) < 0.01)
        try run.fit()
        #expect(dir.contents().filter { $0.hasPrefix("snapshot-") } == ["snapshot-1.safetensors", "snapshot-2.safetensors", "snapshot-3.safetensors"])
        let last = try WeightsFile.read(dir.file("snapshot-3.safetensors")), final = try WeightsFile.read(dir.file(Run.weightsFileName))
        #expect(last.state == final.state)
        let ensemble = try Ensemble.load((1...3).map { dir.file("snapshot-\($0).safetensors") })
        #expect(ensemble.members.count == 3)
        var wrong = config
        wrong.schedule.name = .step
        #expect(throws: ConfigError.self) { try wrong.resolved() }
    }
}
