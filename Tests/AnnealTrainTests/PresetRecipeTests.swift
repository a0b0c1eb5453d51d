import AnnealData
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealTensor
import AnnealTrain
import Testing

/// The per-preset training defaults that `anneal train` falls back on.
struct PresetRecipeTests {
    @Test func everyPresetHasItsRecipe() {
        #expect(ModelPreset.mlp.recipe == PresetRecipe(epochs: 20, sgdLearningRate: 0.05))
        #expect(ModelPreset.cnn.recipe == PresetRecipe(epochs: 15, sgdLearningRate: 0.05, warmupEpochs: 1))
        #expect(ModelPreset.cnn.recipe.batchSize == 128 && ModelPreset.cnn.recipe.weightDecay == 5e-4)
        #expect(ModelPreset.cnn.recipe.stochasticDepth == nil)
        for depth in [20, 32, 56] {
            let recipe = ModelPreset(rawValue: "resnet\(depth)")!.recipe
            #expect(recipe.epochs == 30 && recipe.sgdLearningRate == 0.1 && recipe.warmupEpochs == 1)
            #expect(recipe.zeroInitResidual && recipe.labelSmoothing == 0.1)
            #expect(recipe.batchSize == 64 && recipe.weightDecay == 1e-3 && recipe.stochasticDepth == 0.1)
        }
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
