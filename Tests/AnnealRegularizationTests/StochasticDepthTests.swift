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

@Suite struct StochasticDepthTests {
    /// A block in training mode for stochastic depth only: its batch norms use
    /// running statistics, so kept and eval branches are the same F(x).
    private func stochasticBlock(_ p: Float, seed: UInt64) -> BasicBlock {
        let block = BasicBlock(4, 4, stochasticDepth: p, generator: RandomGenerator(seed: seed))
        block.eval()
        block.trainStochasticLayers(including: { $0 is BasicBlock })
        return block
    }

    @Test func dropsTheResidualBranchPerSampleWithProbabilityP() {
        let p: Float = 0.3
        let block = stochasticBlock(p, seed: 1)
        let x = randomTensor([1000, 4, 3, 3], seed: 2)
        let training = block.preActivation(x).scalars
        block.eval()
        let branch = block.residual(x).scalars, xs = x.scalars
        let per = 4 * 3 * 3
        var kept = 0, wrong = 0
        for sample in 0..<1000 {
            let range = (sample * per)..<((sample + 1) * per)
            let isKept = range.contains { abs(training[$0] - xs[$0]) > 1e-6 }
            if isKept { kept += 1 }
            for i in range {
                let expected = isKept ? xs[i] + branch[i] / (1 - p) : xs[i]
                if !(abs(training[i] - expected) < 1e-4) { wrong += 1 }
            }
        }
        #expect(wrong == 0)
        #expect(abs(Double(kept) / 1000 - 0.7) < 0.07)   // σ ≈ 0.014
    }

    @Test func preservesTheExpectedOutput() {
        // Per-sample masks: a batch of 4000 copies of one input averages 4000 passes.
        let block = stochasticBlock(0.5, seed: 3)
        let x = randomTensor([1, 4, 3, 3], seed: 4)
        let copies = x.broadcast(to: [4000, 4, 3, 3])
        let average = block.preActivation(copies).mean(axis: 0, keepDims: true)
        block.eval()
        let expected = block.preActivation(x)
        let scale = block.residual(x).scalars.map(abs).max()!
        // σ of the mean ≈ |F|·√(p/(1−p))/√4000 ≈ 0.016·|F|.
        let error = zip(average.scalars, expected.scalars).map { abs($0 - $1) }.max()!
        #expect(error < 0.08 * max(scale, 1e-3))
    }

    @Test func droppedSamplesPassGradientOnlyThroughTheShortcut() {
        let block = stochasticBlock(0.5, seed: 5)
        let x = randomTensor([64, 4, 3, 3], seed: 6).requiringGrad()
        let y = block.preActivation(x)
        y.sum().backward()
        let ys = y.scalars, xs = x.scalars, grad = x.grad!.scalars
        let per = 4 * 3 * 3
        var dropped = 0, wrong = 0
        for sample in 0..<64 {
            let range = (sample * per)..<((sample + 1) * per)
            guard range.allSatisfy({ ys[$0] == xs[$0] }) else { continue }
            dropped += 1
            if !range.allSatisfy({ grad[$0] == 1 }) { wrong += 1 }   // identity shortcut only
        }
        #expect(wrong == 0)
        #expect(dropped > 10 && dropped < 54)
    }

    @Test func evalIsTheDeterministicPlainBlock() {
        let block = BasicBlock(4, 8, stride: 2, stochasticDepth: 0.5)
        block.eval()
        let x = randomTensor([3, 4, 6, 6], seed: 7)
        let y = block(x)
        #expect(block(x) == y)
        block.stochasticDepth = 0
        #expect(block(x) == y)
    }

    @Test func resnetRatesRiseLinearlyWithDepth() {
        let resnet = ResNet(depth: 20, stochasticDepth: 0.5)
        let rates = resnet.blocks.map(\.stochasticDepth)
        expectClose(rates, (1...9).map { 0.5 * Float($0) / 9 }, tolerance: 1e-6)
        #expect(ResNet(depth: 20).blocks.allSatisfy { $0.stochasticDepth == 0 })
        let small = ResNet(blocksPerStage: 1, stochasticDepth: 0.3)
        expectClose(small.blocks.map(\.stochasticDepth), [0.1, 0.2, 0.3], tolerance: 1e-6)
        small.eval()
        let x = randomTensor([2, 1, 28, 28], seed: 8)
        let y = small(x)
        #expect(small(x) == y)
        for block in small.blocks { block.stochasticDepth = 0 }
        #expect(small(x) == y)
    }
}
