import AnnealNN
import AnnealTensor
import AnnealTestSupport
import Testing

@Suite struct ConvLayerTests {
    @Test func batchNormTrainEvalAndRunningStatistics() {
        let bn = BatchNorm2d(3, momentum: 0.1)
        let x = randomTensor([8, 3, 4, 4], seed: 1, low: 1, high: 3)
        let y = bn(x)
        expectClose(y.mean(axes: [0, 2, 3]).scalars, [0, 0, 0], tolerance: 1e-4)
        let batchMean = x.mean(axes: [0, 2, 3]), batchVar = x.variance(axes: [0, 2, 3], unbiased: true)
        expectClose(bn.runningMean.value.scalars, (batchMean * 0.1).scalars, tolerance: 1e-5)
        expectClose(bn.runningVar.value.scalars, (batchVar * 0.1 + 0.9).scalars, tolerance: 1e-4)
        #expect(bn.numBatchesTracked.value.item() == 1)
        bn.eval()
        let z = bn(x)
        let expected = (x - bn.runningMean.value.reshape([1, 3, 1, 1])) / sqrt(bn.runningVar.value.reshape([1, 3, 1, 1]) + 1e-5)
        expectClose(z.scalars, expected.scalars, tolerance: 1e-4)
        #expect(bn.numBatchesTracked.value.item() == 1)   // eval leaves statistics alone
        #expect(bn.namedBuffers().map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
        let bn1 = BatchNorm1d(5)
        #expect(bn1(randomTensor([4, 5], seed: 2)).shape == [4, 5])
    }

    /// Synchronized batch norm's composite path, with a one-rank "sum", computes what
    /// the fused kernel does: outputs, running statistics and every gradient.
    @Test func synchronizedPathMatchesTheKernel() {
        let x = randomTensor([16, 3, 7, 6], seed: 7, low: 0.4, high: 0.6).requiringGrad()
        let upstream = randomTensor([16, 3, 7, 6], seed: 8)
        func run(synchronized: Bool) -> (out: [Float], dx: [Float], dw: [Float], db: [Float], mean: [Float], variance: [Float]) {
            let bn = BatchNorm2d(3)
            bn.weight.assign(Tensor([0.5, 1.5, -2], shape: [3]))
            bn.bias.assign(Tensor([0.1, -0.2, 0.3], shape: [3]))
            if synchronized { bn.crossReplicaSum = { $0 } }
            x.zeroGrad()
            let y = bn(x)
            (y * upstream).sum().backward()
            return (y.scalars, x.grad!.scalars, bn.weight.grad!.scalars, bn.bias.grad!.scalars,
                    bn.runningMean.value.scalars, bn.runningVar.value.scalars)
        }
        let fused = run(synchronized: false), composite = run(synchronized: true)
        expectClose(composite.out, fused.out, tolerance: 1e-5)
        expectClose(composite.dx, fused.dx, tolerance: 1e-4)
        expectClose(composite.dw, fused.dw, tolerance: 1e-4)
        expectClose(composite.db, fused.db, tolerance: 1e-4)
        expectClose(composite.mean, fused.mean, tolerance: 1e-6)
        expectClose(composite.variance, fused.variance, tolerance: 1e-6)
    }

    /// The same on a convolution's output (oneDNN's blocked layout), as in a network.
    @Test func synchronizedPathMatchesTheKernelAfterAConvolution() {
        GlobalRandom.seed(11)
        let conv = Conv2d(3, 32, kernelSize: 3, padding: 1, bias: false)
        let x = randomTensor([16, 3, 8, 8], seed: 12)
        let upstream = randomTensor([16, 32, 8, 8], seed: 13)
        func run(synchronized: Bool) -> (out: [Float], dw: [Float], db: [Float], dconv: [Float]) {
            let bn = BatchNorm2d(32)
            if synchronized { bn.crossReplicaSum = { $0 } }
            conv.zeroGrad()
            let y = bn(conv(x))
            (y * upstream).sum().backward()
            return (y.scalars, bn.weight.grad!.scalars, bn.bias.grad!.scalars, conv.weight.grad!.scalars)
        }
        let fused = run(synchronized: false), composite = run(synchronized: true)
        func worst(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map { abs($0 - $1) }.max()! / b.map(abs).max()! }
        #expect(worst(composite.out, fused.out) < 1e-5)
        #expect(worst(composite.dw, fused.dw) < 1e-5)
        #expect(worst(composite.db, fused.db) < 1e-5)
        #expect(worst(composite.dconv, fused.dconv) < 1e-4)
    }

    @Test func zeroInitResidualBlockIsIdentityAtInit() {
        GlobalRandom.seed(3)
        let block = BasicBlock(8, 8, zeroInitResidual: true)
        let x = relu(randomTensor([2, 8, 5, 5], seed: 4))   // non-negative, so the final ReLU keeps it
        expectClose(block(x).scalars, x.scalars, tolerance: 1e-6)
        let plain = BasicBlock(8, 8)
        #expect(plain(x) != x)
        let projecting = BasicBlock(8, 16, stride: 2)
        #expect(projecting(x).shape == [2, 16, 3, 3])
        #expect(projecting.namedParameters().map(\.name).contains("shortcut.0.weight"))
    }

    @Test func presetsHaveTheSpecifiedShapesAndNames() {
        let cnn = SmallCNN.make()
        #expect(cnn(randomTensor([2, 1, 28, 28], seed: 5)).shape == [2, 10])
        #expect(cnn.namedParameters().map(\.name) == ["0.weight", "1.weight", "1.bias", "4.weight", "5.weight", "5.bias",
                                                      "9.weight", "9.bias", "12.weight", "12.bias"])
        let resnet = ResNet(depth: 20)
        #expect(resnet(randomTensor([2, 1, 28, 28], seed: 6)).shape == [2, 10])
        #expect(resnet.blocks.count == 9)
        #expect(ResNet(depth: 56).blocks.count == 27)
        // conv1 + 18 block convs + 2 projections, each 3×3 except projections; fc 64·10 + 10.
        let expected = 16 * 9 + (16 * 16 * 9 * 6) + (16 * 32 * 9 + 32 * 32 * 9 * 5 + 16 * 32) + (32 * 64 * 9 + 64 * 64 * 9 * 5 + 32 * 64)
            + 2 * 16 + 2 * 16 * 6 + 2 * 32 * 7 + 2 * 64 * 7 + 64 * 10 + 10
        #expect(resnet.parameterCount == expected)
        #expect(resnet.namedParameters().first?.name == "conv1.weight")
        #expect(resnet.namedParameters().map(\.name).contains("layer2.0.shortcut.1.weight"))
        #expect(resnet.namedParameters().last?.name == "fc.bias")
    }

    @Test func fastNetHasItsBlocksAndFusedReLUsMatchTheUnfusedLayers() {
        let net = FastNet.make(widths: [8, 16, 16, 32])
        let x = randomTensor([3, 1, 28, 28], seed: 11)
        #expect(net(x).shape == [3, 10])
        // Stem conv + BN, then per block two convs and two BNs; classifier 32·10 + 10.
        let expected = 8 * 9 + 2 * 8 + (8 * 16 * 9 + 16 * 16 * 9 + 4 * 16) + (16 * 16 * 9 * 2 + 4 * 16) + (16 * 32 * 9 + 32 * 32 * 9 + 4 * 32) + 32 * 10 + 10
        #expect(net.parameterCount == expected)
        // Sequential fuses each BatchNorm with its ReLU; the layers one by one give the same output.
        var unfused = x
        for layer in net.layers { unfused = layer(unfused) }
        expectClose(net(x).scalars, unfused.scalars, tolerance: 1e-5)
        // Non-square inputs pool globally over whatever is left (20×12 → 2×1).
        #expect(FastNet.make(inputShape: [3, 20, 12], classes: 4, widths: [8, 16, 16, 32])(randomTensor([2, 3, 20, 12], seed: 12)).shape == [2, 4])
        // A 2×2 patch stem: 28 → 14 before the blocks (14 → 7 → 3 → 1); a 2×2 stem kernel.
        let patched = FastNet.make(widths: [8, 16, 16, 32], stemPatch: 2)
        #expect(patched(x).shape == [3, 10])
        #expect(patched.parameterCount == expected - 8 * 9 + 8 * 4)
        #expect(patched.layers.prefix(1).map { $0(x).shape } == [[3, 8, 14, 14]])
        // Residual blocks: each block's second convolution becomes a BasicBlock of two (one more conv and BN per block).
        let residual = FastNet.make(widths: [8, 16, 16, 32], residualBlocks: true)
        #expect(residual(x).shape == [3, 10])
        #expect(residual.layers.filter { $0 is BasicBlock }.count == 3)
        #expect(residual.parameterCount == expected + (16 * 16 * 9 + 2 * 16) + (16 * 16 * 9 + 2 * 16) + (32 * 32 * 9 + 2 * 32))
    }

    @Test func conv2dLayerGradients() {
        let conv = Conv2d(2, 3, kernelSize: 3, stride: 2, padding: 1)
        let x = randomTensor([2, 2, 5, 5], seed: 7)
        checkGradients([x, conv.weight.value.detached(), conv.bias!.value.detached()]) {
            Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 2), padding: (1, 1))
        }
        #expect(conv(x).shape == [2, 3, 3, 3])
    }

    @Test func layerNormAndPoolingLayers() {
        let ln = LayerNorm([4])
        let y = ln(randomTensor([3, 4], seed: 8))
        expectClose(y.mean(axes: [1]).scalars, [0, 0, 0], tolerance: 1e-5)
        #expect(ln.namedParameters().map(\.name) == ["weight", "bias"])
        let x = randomTensor([1, 2, 6, 6], seed: 9)
        #expect(MaxPool2d(2)(x).shape == [1, 2, 3, 3])
        #expect(AvgPool2d(3, stride: 1, padding: 1)(x).shape == [1, 2, 6, 6])
        #expect(AdaptiveAvgPool2d()(x).shape == [1, 2, 1, 1])
    }
}

@Suite struct FractionalMaxPoolLayerTests {
    @Test func shrinksByTheRatioAndIsDeterministicInEval() {
        let pool = FractionalMaxPool2d(generator: RandomGenerator(seed: 1))
        let x = randomTensor([2, 3, 28, 28], seed: 2)
        #expect(pool(x).shape == [2, 3, 19, 19])
        let first = pool(x), second = pool(x)
        #expect(first != second)          // new regions each training pass
        pool.eval()
        #expect(pool(x) == pool(x))
    }
}
