import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Testing

@Suite struct MonteCarloTests {
    @Test func averagedLogitsOfALinearLayerConvergeToTheEvalOutput() {
        let model = Sequential(Dropout(0.5, generator: RandomGenerator(seed: 1)), Linear(20, 5, generator: RandomGenerator(seed: 2)))
        let x = randomTensor([8, 20], seed: 3)
        model.eval()
        let deterministic = model(x).scalars
        func error(_ passes: Int) -> Float {
            let averaged = MonteCarloPrediction.predict(model, x, passes: passes, averaging: .logits).scalars
            return zip(averaged, deterministic).map { abs($0 - $1) }.max()!
        }
        let few = error(10), many = error(10_000)
        // The error of a k-pass mean shrinks as 1/√k: 30× from 10 to 10 000 passes.
        #expect(many < few / 4)
        #expect(many < 0.06)
        #expect(!model.isTraining && model.namedModules().allSatisfy { !$0.module.isTraining })
    }

    @Test func batchNormStaysInEvalModeAndModesAreRestored() {
        let model = Sequential(Linear(4, 6), BatchNorm1d(6), ReLU(), Dropout(0.5), Linear(6, 3))
        let bn = model.layers[1] as! BatchNorm
        let before = bn.runningMean.value
        let x = randomTensor([10, 4], seed: 4)
        let probabilities = MonteCarloPrediction.predict(model, x, passes: 20)
        #expect(bn.runningMean.value == before)
        #expect(bn.numBatchesTracked.value.item() == 0)
        #expect(model.namedModules().allSatisfy { $0.module.isTraining })   // was training: restored
        let sums = probabilities.sum(axis: 1).scalars
        expectClose(sums, [Float](repeating: 1, count: 10), tolerance: 1e-5)
        // Passes differ (dropout is active) but batch norm uses running statistics.
        let one = MonteCarloPrediction.predict(model, x, passes: 1), other = MonteCarloPrediction.predict(model, x, passes: 1)
        #expect(one != other)
        // Without stochastic layers selected, every pass is the eval output.
        model.eval()
        let eval = model(x).softmax(axis: 1)
        expectClose(MonteCarloPrediction.predict(model, x, passes: 3, including: { _ in false }).scalars, eval.scalars, tolerance: 1e-6)
    }

    @Test func evaluatorMonteCarloScoresAreLogProbabilities() throws {
        let data = try TensorDataset(samples: randomTensor([12, 4], seed: 5), labels: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2])
        let model = Sequential(Linear(4, 8), ReLU(), Dropout(0.3), Linear(8, 3))
        let loader = DataLoader(data, batchSize: 5)
        let evaluator = Evaluator(monteCarlo: .init(passes: 4))
        let scores = evaluator.predict(model, on: loader)
        #expect(scores.shape == [12, 3])
        expectClose(exp(scores).sum(axis: 1).scalars, [Float](repeating: 1, count: 12), tolerance: 1e-5)
        let metrics = evaluator.evaluate(model, on: loader)
        #expect(metrics.samples == 12)
        #expect(metrics.loss.isFinite && metrics.loss > 0)
    }
}
