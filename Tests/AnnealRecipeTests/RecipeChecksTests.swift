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

/// Learnable synthetic data: labels are the argmax of a fixed random linear teacher.
private func teacherData(samples: Int = 200, features: Int = 8, classes: Int = 4, seed: UInt64 = 1) throws -> TensorDataset {
    let x = randomTensor([samples, features], seed: seed)
    let teacher = randomTensor([features, classes], seed: seed + 100)
    let scores = x.matmul(teacher).scalars
    let labels = (0..<samples).map { i in (0..<classes).max { scores[i * classes + $0] < scores[i * classes + $1] }! }
    return try TensorDataset(samples: x, labels: labels, classCount: classes)
}

private func smallModel(features: Int = 8, hidden: Int = 32, classes: Int = 4, seed: UInt64 = 3) -> (Sequential, Linear) {
    GlobalRandom.seed(seed)
    let last = Linear(hidden, classes)
    return (Sequential(Linear(features, hidden), ReLU(), last), last)
}

/// Cuts every gradient: the output is multiplied by zero.
private final class Cut: Module {
    override func forward(_ input: Tensor) -> Tensor { input * 0 }
}

@Suite struct InitialLossTests {
    @Test func wellScaledModelPasses() throws {
        let data = try teacherData()
        let (model, last) = smallModel()
        last.weight.assign(last.weight.value * 0.01)
        let check = InitialLossCheck.run(model: model, batch: RecipeSupport.smallSample(data, k: 100), classes: 4,
                                         regularizer: { WeightPenalty(l2: 1e-3)($0) })
        #expect(check.ok, "\(check.findings)")
        #expect(abs(check.expectedLoss - log(4)) < 1e-9)
        #expect(check.regularizationRaisesLoss == true)
        #expect(check.regularizedLoss! > check.initialLoss)
    }

    @Test func scaledUpLastLayerFails() throws {
        let data = try teacherData()
        let (model, last) = smallModel()
        last.weight.assign(last.weight.value * 50)
        let check = InitialLossCheck.run(model: model, batch: RecipeSupport.smallSample(data, k: 100), classes: 4)
        #expect(!check.ok)
        #expect(check.initialLoss > 2 * log(4))
        #expect(check.findings.contains { $0.contains("last layer") }, "\(check.findings)")
    }

    @Test func hingeExpectsClassesMinusOne() throws {
        let data = try teacherData()
        let (model, last) = smallModel()
        last.weight.assign(last.weight.value * 0.001)
        last.bias!.assign(last.bias!.value * 0)
        let check = InitialLossCheck.run(model: model, batch: RecipeSupport.smallSample(data, k: 50), classes: 4, kind: .hinge)
        #expect(check.expectedLoss == 3)
        #expect(check.ok, "\(check.findings)")
    }
}

@Suite struct OverfitTests {
    @Test func healthyModelOverfitsTwentyExamples() throws {
        let data = try teacherData()
        let (model, _) = smallModel()
        let check = OverfitCheck.run(model: model, optimizer: SGD(model.parameters, learningRate: 0.1, momentum: 0.9),
                                     batch: RecipeSupport.smallSample(data, k: 20), maxSteps: 300)
        #expect(check.passed, "\(check.findings)")
        #expect(check.steps > 0 && check.steps < 300)
        #expect(check.symptom == nil)
    }

    @Test func cutGradientsGiveFlatLoss() throws {
        let data = try teacherData()
        GlobalRandom.seed(3)
        let model = Sequential(Linear(8, 32), ReLU(), Linear(32, 4), Cut())
        let check = OverfitCheck.run(model: model, optimizer: SGD(model.parameters, learningRate: 0.1, momentum: 0.9),
                                     batch: RecipeSupport.smallSample(data, k: 20), maxSteps: 50)
        #expect(!check.passed)
        #expect(check.symptom == .flat, "\(check.findings)")
        #expect(check.findings[0].contains("flat"))
    }

    @Test func hugeLearningRateDiverges() throws {
        let data = try teacherData()
        let (model, _) = smallModel()
        let check = OverfitCheck.run(model: model, optimizer: SGD(model.parameters, learningRate: 1e4, momentum: 0.9),
                                     batch: RecipeSupport.smallSample(data, k: 20), maxSteps: 50)
        #expect(!check.passed)
        #expect(check.symptom == .diverging, "\(check.findings) \(check.losses.prefix(10))")
    }

    @Test func tinyLearningRateIsTooSlowOrFlat() throws {
        let data = try teacherData()
        let (model, _) = smallModel()
        let check = OverfitCheck.run(model: model, optimizer: SGD(model.parameters, learningRate: 1e-6, momentum: 0),
                                     batch: RecipeSupport.smallSample(data, k: 20), maxSteps: 20)
        #expect(!check.passed)
        #expect(check.symptom == .flat)
    }
}

@Suite struct RangeTestTests {
    /// Files written by a test live here and go with the suite instance.
    private let dir = TemporaryDirectory()

    /// Least squares y = X·w (no bias): a convex quadratic whose gradient descent is
    /// stable for lr < 2 / λmax(H) with H = 2·XᵀX/N, i.e. lr < 1/λmax(XᵀX/N).
    @Test func suggestionLiesInTheStableRangeOfAQuadratic() throws {
        let n = 256, d = 6
        let x = randomTensor([n, d], seed: 7) * 2
        let w = randomTensor([d, 1], seed: 8)
        let y = x.matmul(w).scalars
        let data = try TensorDataset(samples: x, labels: [Int](repeating: 0, count: n), classCount: 1)
        // λmax(XᵀX/N) by power iteration.
        let gram = (x.matmul(x, transposeA: true) * (1 / Float(n))).scalars.map(Double.init)
        var v = [Double](repeating: 1, count: d), lambda = 0.0
        for _ in 0..<200 {
            var u = [Double](repeating: 0, count: d)
            for i in 0..<d { for j in 0..<d { u[i] += gram[i * d + j] * v[j] } }
            lambda = u.map { $0 * $0 }.reduce(0, +).squareRoot()
            v = u.map { $0 / lambda }
        }
        let limit = 1 / lambda
        GlobalRandom.seed(1)
        let model = Linear(d, 1, bias: false)
        let before = model.weight.value.scalars
        let loss: (Tensor, Batch) -> Tensor = { out, batch in mseLoss(out, Tensor(batch.indices.map { y[$0] }, shape: [batch.indices.count, 1])) }
        var settings = LearningRateRangeTest.Settings()
        settings.steps = 200
        let result = try LearningRateRangeTest.run(model: model, optimizer: SGD(model.parameters, learningRate: 1e-6, momentum: 0),
                                                   loader: DataLoader(data, batchSize: n), settings: settings, lossFunction: loss)
        let suggested = try #require(result.suggestedLR)
        #expect(suggested < limit, "suggested \(suggested), stable below \(limit); \(result.findings)")
        #expect(suggested > limit / 1000, "suggested \(suggested), stable below \(limit)")
        #expect(model.weight.value.scalars == before, "weights restored")
        #expect(result.learningRates.count < 200, "the divergence tail was cut off")
        let png = dir.file("range.png")
        try result.plot(to: png)
        #expect(try Bitmap.read(png).width == 800)
    }
}

@Suite struct LayerStatisticsTests {
    @Test func reportsEveryLayerAndNamesVanishingGradients() throws {
        let data = try teacherData()
        GlobalRandom.seed(2)
        var layers: [Module] = [Linear(8, 32), ReLU()]
        for _ in 0..<6 { layers += [Linear(32, 32, weightInit: .normal(std: 0.01)), ReLU()] }
        layers.append(Linear(32, 4))
        let model = Sequential(layers)
        let stats = LayerStatistics.run(model: model, batch: RecipeSupport.smallSample(data, k: 64))
        #expect(stats.layers.count == layers.count)
        #expect(stats.layers.contains { $0.deadFraction != nil })
        #expect(stats.findings.contains { $0.contains("vanishing") || $0.contains("collapse") }, "\(stats.findings)")
        let (healthy, _) = smallModel()
        let ok = LayerStatistics.run(model: healthy, batch: RecipeSupport.smallSample(data, k: 64))
        #expect(ok.findings.contains { $0.contains("balanced") }, "\(ok.findings)")
    }
}

/// The doctor's rate is the candidate whose short run ends with the lowest
/// validation loss; a rate that diverges is reported, not thrown.
@Suite struct LearningRateValidationTests {
    @Test func theLowestValidationLossWinsAndDivergenceIsReported() throws {
        var config = RunConfig(model: .mlp)
        config.model.hidden = [16]
        config.data.trainSubset = 600
        config.data.validationSplit = 0.2
        config.epochs = 4
        config.schedule.warmupEpochs = 2
        let resolved = try config.resolved()
        let validation = try LearningRateValidation.run(resolved, candidates: [1e-4, 0.05, 1e6], epochs: 2)
        #expect(validation.trials.count == 3)
        let (slow, good, huge) = (validation.trials[0], validation.trials[1], validation.trials[2])
        #expect(huge.validationLoss == nil && huge.failure != nil)
        #expect(slow.validationLoss! > good.validationLoss!)
        #expect(validation.bestLR == 0.05)
        #expect(validation.findings.first!.contains("lowest validation loss at lr 0.05"))
        #expect(LearningRateValidation.candidates(aroundLossMinimum: 0.03).map { ($0 * 1e6).rounded() / 1e6 } == [0.003, 0.01, 0.03, 0.09, 0.3])
    }
}
