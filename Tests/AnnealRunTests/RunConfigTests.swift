import AnnealDistributed
import AnnealExperiments
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// The run as a value: presets resolved in one place, run.json round trips, bad
/// names and ranges refused with the field named.
@Suite struct RunConfigTests {
    @Test func presetRecipesResolveIntoEveryField() throws {
        let resnet = try RunConfig(model: .resnet20).resolved()
        #expect(resnet.epochs == 30 && resnet.data.batchSize == 64)
        #expect(resnet.optimizer == OptimizerConfig(name: .sgd, learningRate: 0.1, momentum: 0.9, weightDecay: 1e-3))
        #expect(resnet.regularization.labelSmoothing == 0.1)
        #expect(resnet.model.zeroInitResidual == true && resnet.model.stochasticDepth == 0.1 && resnet.model.dropout == nil)
        #expect(resnet.schedule.name == .cosine && resnet.schedule.warmupEpochs == 1 && resnet.schedule.minLearningRate == 0)

        var short = RunConfig(model: .cnn)
        short.epochs = 3
        short.optimizer.name = .adam
        let cnn = try short.resolved()
        #expect(cnn.schedule.warmupEpochs == 0.2)   // the preset's 1 of 15 epochs, in proportion
        #expect(cnn.optimizer.learningRate == 1e-3 && cnn.optimizer.momentum == nil)
        #expect(cnn.model.dropout == 0.5 && cnn.model.pool == .max && cnn.model.batchNorm == true && cnn.model.hidden == nil)

        let mlp = try RunConfig().resolved()
        #expect(mlp.model.hidden == [1024, 1024] && mlp.data.loaderThreads == 0 && mlp.schedule.warmupEpochs == 0)
        var step = RunConfig()
        step.schedule.name = .step
        #expect(try step.resolved().schedule.milestones == [10, 15])
    }

    @Test func resolvingTwiceChangesNothingAndJSONRoundTrips() throws {
        var config = RunConfig(model: .cnn)
        config.data.augment = "flip,crop:2"
        config.control.ema = 0.99
        config.schedule.name = .oneCycle
        config.seed = 7
        let resolved = try config.resolved()
        #expect(try resolved.resolved() == resolved)
        #expect(try RunConfig.decode(resolved.jsonData()) == resolved)
        #expect(resolved.data.loaderThreads == 1 && resolved.schedule.pctStart == 0.3 && resolved.schedule.warmupEpochs == 0)
    }

    @Test func aPartialFileTakesDefaults() throws {
        let config = try RunConfig.decode(Data(#"{"model": {"name": "resnet32"}, "epochs": 2, "optimizer": {"learningRate": 0.2}}"#.utf8))
        #expect(config.model.name == .resnet32 && config.epochs == 2 && config.optimizer.learningRate == 0.2)
        #expect(config.data == DataConfig() && config.schedule == ScheduleConfig())
    }

    @Test func badNamesAndValuesNameTheirField() throws {
        func field(_ json: String) -> String? {
            do { _ = try RunConfig.decode(Data(json.utf8)).resolved(); return nil } catch let error as ConfigError {
                return error.field
            } catch { return "unexpected \(error)" }
        }
        #expect(field(#"{"model": {"name": "vit"}}"#) == "model.name")
        #expect(field(#"{"optimizer": {"name": "lion"}}"#) == "optimizer.name")
        #expect(field(#"{"optimizer": {"lerningRate": 0.1}}"#) == "optimizer.lerningRate")
        #expect(field(#"{"epochs": "ten"}"#) == "epochs")
        #expect(field(#"{"epochs": 0}"#) == "epochs")
        #expect(field(#"{"model": {"name": "mlp", "dropout": 1.5}}"#) == "model.dropout")
        #expect(field(#"{"model": {"name": "resnet20", "dropout": 0.2}}"#) == "model.dropout")
        #expect(field(#"{"model": {"name": "cnn", "initStd": 0.1}}"#) == "model.initStd")
        #expect(field(#"{"optimizer": {"name": "adam", "momentum": 0.9}}"#) == "optimizer.momentum")
        #expect(field(#"{"optimizer": {"name": "adam", "nesterov": true}}"#) == "optimizer.nesterov")
        #expect(field(#"{"optimizer": {"momentum": 0, "nesterov": true}}"#) == "optimizer.nesterov")
        #expect(field(#"{"model": {"name": "cnn", "widths": [8, 8, 8, 8]}}"#) == "model.widths")
        #expect(field(#"{"model": {"name": "fast", "widths": [8, 8]}}"#) == "model.widths")
        #expect(field(#"{"model": {"name": "fast", "dropout": 0.2}}"#) == "model.dropout")
        #expect(field(#"{"model": {"name": "fast", "activation": "gelu"}}"#) == "model.activation")
        #expect(field(#"{"model": {"name": "fast", "inputShape": [1, 6, 6]}}"#) == "model.inputShape")
        #expect(field(#"{"model": {"name": "fast", "stemPatch": 2, "inputShape": [1, 14, 14]}}"#) == "model.inputShape")
        #expect(field(#"{"model": {"name": "fast", "stemPatch": 5}}"#) == "model.stemPatch")
        #expect(field(#"{"model": {"name": "cnn", "stemPatch": 2}}"#) == "model.stemPatch")
        #expect(field(#"{"model": {"name": "resnet20", "residualBlocks": true}}"#) == "model.residualBlocks")
        #expect(field(#"{"model": {"name": "fast", "residualBlocks": true}}"#) == nil)
        #expect(field(#"{"model": {"name": "mlp", "whitenedStem": true}}"#) == "model.whitenedStem")
        #expect(field(#"{"model": {"name": "resnet20", "whitenedStem": true}}"#) == nil)
        #expect(field(#"{"control": {"evaluateEvery": 0}}"#) == "control.evaluateEvery")
        #expect(field(#"{"model": {"name": "fast"}, "optimizer": {"nesterov": true}}"#) == nil)
        #expect(field(#"{"schedule": {"name": "cosine", "gamma": 0.5}}"#) == "schedule.gamma")
        #expect(field(#"{"schedule": {"warmupEpochs": 20}}"#) == "schedule.warmupEpochs")
        #expect(field(#"{"data": {"augment": "flip,spin"}}"#) == "data.augment")
        #expect(field(#"{"control": {"ema": 1.5}}"#) == "control.ema")
        #expect(field(#"{"model": {"name": "cnn"}}"#) == nil)
        // Fuzzing regression: epoch counts that would overflow when turned into steps.
        #expect(field(#"{"schedule": {"name": "cosine-restarts", "firstCycleEpochs": 4e82}}"#) == "schedule.firstCycleEpochs")
        #expect(field(#"{"schedule": {"name": "step", "milestones": [9223372036854775807]}}"#) == "schedule.milestones")
        #expect(field(#"{"schedule": {"warmupEpochs": 1e300}}"#) == "schedule.warmupEpochs")
        #expect(field(#"{"epochs": 9223372036854775807}"#) == "epochs")
    }

    @Test func nesterovReachesTheOptimizer() throws {
        var config = OptimizerConfig()
        config.nesterov = true
        let optimizer = try config.resolved(recipe: ModelPreset.fast.recipe).makeOptimizer(for: Linear(3, 2))
        #expect((optimizer as? SGD)?.nesterov == true)
        #expect((try OptimizerConfig().makeOptimizer(for: Linear(3, 2)) as? SGD)?.nesterov == false)
    }

    @Test func fieldsAreFoundByPathAliasOrUniqueName() throws {
        #expect(try RunConfig.field(named: "lr") == "optimizer.learningRate")
        #expect(try RunConfig.field(named: "weight-decay") == "optimizer.weightDecay")
        #expect(try RunConfig.field(named: "batch-size") == "data.batchSize")
        #expect(try RunConfig.field(named: "label_smoothing") == "regularization.labelSmoothing")
        #expect(try RunConfig.field(named: "model.dropout") == "model.dropout")
        #expect(throws: ConfigError.self) { try RunConfig.field(named: "learning-speed") }
        let set = try RunConfig(model: .cnn).setting("dropout", to: "0.3").setting("schedule", to: "step").setting("hidden", to: "[64]")
        #expect(set.model.dropout == 0.3 && set.schedule.name == .step && set.model.hidden == [64])
        #expect(throws: ConfigError.self) { try RunConfig().setting("epochs", to: "many") }
    }

    @Test func unregularizedTurnsEveryRegularizerOff() throws {
        var config = RunConfig(model: .resnet20)
        config.regularization.l2 = 1e-3
        config.data.augment = "flip"
        let plain = try config.unregularized.resolved()
        #expect(plain.optimizer.weightDecay == 0 && plain.regularization.labelSmoothing == 0 && plain.regularization.l2 == 0)
        #expect(plain.model.stochasticDepth == 0 && plain.data.augment == "")
        #expect(try RunConfig(model: .cnn).unregularized.resolved().model.dropout == 0)
    }

    @Test func ablationVariantsSwitchOneTechniqueOn() throws {
        let base = RunConfig(model: .cnn)
        #expect(RegularizationTechnique.stochasticDepth.variant(of: base) == nil)
        let pool = try #require(RegularizationTechnique.fractionalPool.variant(of: base))
        #expect(pool.model.pool == .fractional && pool.optimizer.weightDecay == 0)
        #expect(RegularizationTechnique.dropout.variant(of: RunConfig(model: .resnet20)) == nil)
        for technique in RegularizationTechnique.allCases {
            for preset in ModelPreset.allCases {
                _ = try technique.variant(of: RunConfig(model: preset))?.resolved()
            }
        }
    }
}

/// Search from the library: trials are run configurations.
@Suite struct SearchOverConfigsTests {
    @Test func trialsAreRunConfigurationsTrainedInProcess() throws {
        let dir = TemporaryDirectory()
        var base = RunConfig(model: .mlp)
        base.model.hidden = [16]
        base.data.trainSubset = 300
        base.data.validationSplit = 0.2
        var search = HyperparameterSearch(space: try SearchSpace.parse("lr=log(0.01,0.3),dropout=uniform(0,0.5)"), trials: 2, epochs: 1)
        search.halving = nil
        let log = TrialLog(path: dir.file("trials.jsonl"))
        let trials = try search.run(search.coarseRequests(), log: log,
                                    runner: HyperparameterSearch.inProcessRunner(base: base, directory: dir.path))
        #expect(trials.count == 2 && trials.allSatisfy { !$0.failed && $0.valAccuracy != nil })
        for trial in log.load() {
            let config = try #require(trial.config)
            #expect(config.optimizer.learningRate == Float(trial.params["lr"]!))
            #expect(config.model.dropout == Float(trial.params["dropout"]!))
            #expect(config.epochs == 1 && config.model.hidden == [16])
        }
    }
}
