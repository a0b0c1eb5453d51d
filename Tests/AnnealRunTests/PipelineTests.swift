import AnnealDistributed
import AnnealExperiments
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Pipeline stages: the chain the model is cut along, the balanced cut, and what a
/// pipeline refuses. (cli-tests run 2-stage jobs against one process under mpirun.)
@Suite struct PipelineTests {
    @Test(arguments: [ModelPreset.mlp, .cnn, .resnet20])
    func applyingEveryLinkIsTheForwardPass(preset: ModelPreset) throws {
        let model = try GlobalRandom.withSeed(3) { try ModelConfig(name: preset).makeModel() }
        model.eval()
        var generator = RandomGenerator(seed: 4)
        let x = Tensor.uniform([3, 1, 28, 28], using: &generator)
        let chain = try #require(model as? any LayerChain)
        let chained = chain.links.reduce(x) { $1.apply($0) }
        #expect(chained.scalars == model(x).scalars)
        // Every parameter belongs to exactly one link.
        let linked = chain.links.flatMap { $0.modules.flatMap(\.parameters) }.map(ObjectIdentifier.init)
        #expect(Set(linked).count == linked.count && Set(linked) == Set(model.parameters.map(ObjectIdentifier.init)))
    }

    @Test func stagesAreContiguousAndMinimizeTheSlowest() {
        #expect(PipelineStage.balance([1, 1, 1, 1], into: 2) == [0..<2, 2..<4])
        #expect(PipelineStage.balance([5, 1, 1, 1, 1, 1], into: 2) == [0..<1, 1..<6])
        #expect(PipelineStage.balance([1, 2, 3, 4, 5], into: 3) == [0..<3, 3..<4, 4..<5])
        #expect(PipelineStage.balance([0.1, 0, 0, 7], into: 4) == [0..<1, 1..<2, 2..<3, 3..<4])
        #expect(PipelineStage.balance([2, 3, 3, 3, 3, 0.1], into: 2) == [0..<3, 3..<6])
    }

    @Test func whatNeedsEveryWeightAtEveryStepIsRefused() throws {
        var config = RunConfig(model: .mlp)
        config.parallel.pipelineStages = 2
        #expect(throws: Never.self) { try config.resolved() }
        for edit: (inout RunConfig) -> Void in [{ $0.control.ema = 0.99 }, { $0.parallel.syncBatchNorm = true },
                                                { $0.control.clipNorm = 1 }, { $0.regularization.l2 = 1e-4 },
                                                { $0.control.checkpointEvery = 10 }, { $0.control.swaStartEpoch = 2 }] {
            var refused = config
            edit(&refused)
            #expect(throws: ConfigError.self) { try refused.resolved() }
        }
        // A pipeline needs one rank per stage; the refused run writes nothing.
        let directory = TemporaryDirectory()
        #expect(throws: ConfigError.self) { try Run(config, directory: directory.path) }
        #expect(directory.contents().isEmpty)
    }
}
