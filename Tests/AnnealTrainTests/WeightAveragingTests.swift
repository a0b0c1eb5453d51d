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
import Testing

@Suite struct WeightAveragingTests {
    /// A tiny linear model with known weights.
    private func model(weight: [[Float]], bias: [Float]) throws -> Sequential {
        let model = Sequential(Linear(2, 2))
        try model.loadStateDict(["0.weight": Tensor(weight), "0.bias": Tensor(bias)])
        return model
    }

    @Test func averageFollowsTheFormulaWithItsDecayWarmup() throws {
        let net = try model(weight: [[1, 2], [3, 4]], bias: [0, 0])
        let ema = ExponentialMovingAverage(of: net, decay: 0.9)
        #expect(ema.effectiveDecay(update: 1) == Float(2) / 11)
        #expect(ema.effectiveDecay(update: 1000) == 0.9)
        var expected: [Float] = [1, 2, 3, 4]
        for (n, w) in [[Float](repeating: 5, count: 4), [-1, 0, 1, 2], [2, 2, 2, 2]].enumerated() {
            try net.loadStateDict(["0.weight": Tensor(w, shape: [2, 2]), "0.bias": Tensor([Float(n), 0])])
            ema.update(from: net)
            let d = min(0.9, Float(2 + n) / Float(11 + n))
            expected = zip(expected, w).map { d * $0 + (1 - d) * $1 }
        }
        expectClose(ema.averages["0.weight"]!.scalars, expected, tolerance: 1e-6)
        ema.copy(to: net)
        expectClose(net.stateDict()["0.weight"]!.scalars, expected, tolerance: 1e-6)
        #expect(ema.updates == 3)
    }

    /// The raw weights train on untouched (same training losses as without
    /// averaging); evaluation and the final model are the average's.
    @Test func callbackEvaluatesTheAverageAndTrainsTheRawWeights() throws {
        let data = try TensorDataset(samples: randomTensor([32, 4], seed: 5), labels: (0..<32).map { $0 % 3 })
        func run(averaging: Bool) throws -> (Trainer, [EpochRecord], WeightAveraging?) {
            GlobalRandom.seed(9)
            let net = Sequential(Linear(4, 8), ReLU(), Linear(8, 3))
            let averager = averaging ? WeightAveraging(decay: 0.8) : nil
            let trainer = Trainer(model: net, optimizer: SGD(net.parameters, learningRate: 0.2, momentum: 0.9),
                                  callbacks: averager.map { [$0] } ?? [])
            let history = try trainer.fit(DataLoader(data, batchSize: 8), evaluation: DataLoader(data, batchSize: 32), epochs: 3)
            return (trainer, history, averager)
        }
        let (plain, plainHistory, _) = try run(averaging: false)
        let (averaged, averagedHistory, averager) = try run(averaging: true)
        #expect(averagedHistory.map(\.train.loss) == plainHistory.map(\.train.loss))
        #expect(averaged.model.stateDict() == averager!.average!.averages)
        #expect(averaged.model.stateDict() != plain.model.stateDict())
        let reevaluated = Evaluator().evaluate(averaged.model, on: DataLoader(data, batchSize: 32))
        #expect(reevaluated.loss == averagedHistory.last!.evaluation!.loss)
        #expect(averagedHistory.last!.evaluation!.loss != plainHistory.last!.evaluation!.loss)
    }
}
