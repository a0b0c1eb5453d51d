import AnnealExperiments
import AnnealNN
import AnnealTraining
import Foundation
import Testing

/// Resolving a configuration gives a plan with every value decided: the
/// architecture with its own settings, the optimizer with each of its hyperparameters.
@Suite struct PlanTests {
    @Test func eachOptimizerTakesItsOwnDefaultsAndTheRecipesRateAndDecay() throws {
        func plan(_ kind: OptimizerKind, preset: ModelPreset = .mlp) throws -> OptimizerPlan {
            var c = RunConfig(model: preset)
            c.optimizer.name = kind
            return try c.plan().optimizer
        }
        // The recipe's SGD momentum belongs to SGD; RMSProp starts from PyTorch's defaults.
        #expect(try plan(.sgd).settings == .sgd(momentum: 0.9, nesterov: false))
        #expect(try plan(.sgd).learningRate == 0.05 && plan(.sgd).weightDecay == 5e-4)
        #expect(try plan(.rmsprop).settings == .rmsprop(alpha: 0.99, eps: 1e-8, momentum: 0))
        #expect(try plan(.rmsprop).hyperparameters == "alpha 0.99, eps 1e-08, momentum 0.0, weight decay 0.0005")
        #expect(try plan(.adam).settings == .adam(beta1: 0.9, beta2: 0.999, eps: 1e-8))
        #expect(try plan(.adamw, preset: .resnet20).weightDecay == 1e-3)
        #expect(try plan(.adagrad).settings == .adagrad(eps: 1e-10))
        #expect(try plan(.lars).settings == .lars(momentum: 0.9))
        #expect(try plan(.lamb).settings == .lamb(beta1: 0.9, beta2: 0.999, eps: 1e-6))
        var given = RunConfig(model: .mlp)
        given.optimizer.name = .rmsprop
        given.optimizer.momentum = 0.5
        given.optimizer.alpha = 0.9
        #expect(try given.plan().optimizer.settings == .rmsprop(alpha: 0.9, eps: 1e-8, momentum: 0.5))
        given.optimizer.betas = [0.8, 0.9]
        #expect(throws: ConfigError.self) { try given.plan() }
    }

    @Test func aVersionOneConfigurationKeepsItsMomentum() throws {
        let v1 = Data(#"{"model": {"name": "mlp"}, "optimizer": {"name": "rmsprop"}}"#.utf8)
        let migrated = try RunConfig.decode(v1)
        #expect(migrated.version == RunConfig.currentVersion)
        #expect(try migrated.plan().optimizer.settings == .rmsprop(alpha: 0.99, eps: 1e-8, momentum: 0.9))
        let v2 = Data(#"{"version": 2, "model": {"name": "mlp"}, "optimizer": {"name": "rmsprop"}}"#.utf8)
        #expect(try RunConfig.decode(v2).plan().optimizer.settings == .rmsprop(alpha: 0.99, eps: 1e-8, momentum: 0))
        let future = Data(#"{"version": 99, "model": {"name": "mlp"}}"#.utf8)
        #expect(throws: ConfigError.self) { try RunConfig.decode(future) }
    }

    @Test func everyPresetResolvesToItsArchitecture() throws {
        #expect(try ModelConfig(name: .mlp).plan().architecture
                == .mlp(.init(inputs: 784, hidden: [1024, 1024], activation: .relu, dropout: 0, dropConnect: 0)))
        #expect(try ModelConfig(name: .cnn).plan().architecture
                == .cnn(.init(inputShape: [1, 28, 28], activation: .relu, dropout: 0.5, pool: .max, batchNorm: true, dropConnect: 0,
                              whitenedStem: false)))
        guard case .resnet(let r) = try ModelConfig(name: .resnet56).plan().architecture else { Issue.record("not a resnet"); return }
        #expect(r.depth == 56 && r.zeroInitResidual && r.stochasticDepth == 0.1)
        var fast = ModelConfig(name: .fast)
        fast.widths = [8, 8, 16, 16]
        #expect(try fast.plan().architecture == .fast(.init(inputShape: [1, 28, 28], widths: [8, 8, 16, 16], stemPatch: 1, whitenedStem: false)))
        var wrong = ModelConfig(name: .resnet20)
        wrong.hidden = [8]
        #expect(throws: ConfigError.self) { try wrong.plan() }
    }
}
