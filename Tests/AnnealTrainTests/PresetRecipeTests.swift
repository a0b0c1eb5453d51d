import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining
import Testing

/// The per-preset training defaults that `anneal train` falls back on.
struct PresetRecipeTests {
    @Test func everyPresetHasItsRecipe() {
        // mlp and cnn normalize their inputs (docs/accuracy.md, "Input normalization").
        #expect(ModelPreset.mlp.recipe == PresetRecipe(epochs: 20, sgdLearningRate: 0.05, normalize: .global))
        #expect(ModelPreset.cnn.recipe == PresetRecipe(epochs: 15, sgdLearningRate: 0.05, warmupEpochs: 1, normalize: .global))
        #expect(ModelPreset.cnn.recipe.batchSize == 128 && ModelPreset.cnn.recipe.weightDecay == 5e-4)
        #expect(ModelPreset.cnn.recipe.stochasticDepth == nil)
        for depth in [20, 32, 56] {
            let recipe = ModelPreset(rawValue: "resnet\(depth)")!.recipe
            #expect(recipe.epochs == 30 && recipe.sgdLearningRate == 0.1 && recipe.warmupEpochs == 1)
            #expect(recipe.zeroInitResidual && recipe.labelSmoothing == 0.1)
            #expect(recipe.batchSize == 64 && recipe.weightDecay == 1e-3 && recipe.stochasticDepth == 0.1)
        }
    }

    /// The fast preset's recipe includes its data settings and evaluates only after
    /// its last epoch; what a configuration sets wins, and early stopping or a
    /// plateau schedule, which read every epoch's evaluation, bring it back.
    @Test func fastCarriesItsDataSettingsAndEvaluatesAtTheEnd() throws {
        let fast = try RunConfig(model: .fast).resolved()
        #expect(fast.data.augment == "flip,crop:1" && fast.data.normalize == .global && fast.data.loaderThreads == 1)
        #expect(fast.control.evaluateEvery == fast.epochs && fast.control.tta == .flip)
        let cnn = try RunConfig(model: .cnn).resolved()
        #expect(cnn.data.augment == "" && cnn.data.normalize == .global && cnn.control.evaluateEvery == 1)
        #expect(cnn.control.tta == TestTimeAugmentation.none)
        var own = RunConfig(model: .fast)
        own.data.augment = ""
        own.data.normalize = .perChannel
        own.control.evaluateEvery = 2
        own.control.tta = TestTimeAugmentation.none
        let resolved = try own.resolved()
        #expect(resolved.data.augment == "" && resolved.data.normalize == .perChannel && resolved.control.evaluateEvery == 2)
        #expect(resolved.control.tta == TestTimeAugmentation.none)
        var stopping = RunConfig(model: .fast)
        stopping.control.earlyStopPatience = 2
        #expect(try stopping.resolved().control.evaluateEvery == 1)
        stopping.control.evaluateEvery = 2
        #expect(throws: ConfigError.self) { try stopping.resolved() }
        var plateau = RunConfig(model: .fast)
        plateau.schedule.name = .plateau
        #expect(try plateau.resolved().control.evaluateEvery == 1)
        plateau.control.evaluateEvery = 3
        #expect(throws: ConfigError.self) { try plateau.resolved() }
    }

    @Test func warmupShrinksWithShorterRunsOnly() {
        let cnn = ModelPreset.cnn.recipe
        #expect(cnn.warmupEpochs(forRunOf: 15) == 1)
        #expect(cnn.warmupEpochs(forRunOf: 60) == 1)
        #expect(abs(cnn.warmupEpochs(forRunOf: 3) - 0.2) < 1e-12)
        #expect(cnn.warmupEpochs(forRunOf: 1) < 1)   // a 1-epoch run still has steps after the warmup
        #expect(ModelPreset.mlp.recipe.warmupEpochs(forRunOf: 5) == 0)
    }
}
