import AnnealNN
import AnnealTensor
import AnnealTestSupport
import Testing

@Suite struct InitializerTests {
    @Test func standardDeviationsMatchFormulas() {
        var g = RandomGenerator(seed: 1)
        let shape = [400, 300]
        func std(_ initializer: Initializer) -> Float { initializer.make(shape, using: &g).variance().item().squareRoot() }
        #expect(abs(std(.xavierNormal()) - (2.0 / 700).squareRoot()) < 0.002)
        #expect(abs(std(.xavierUniform()) - (2.0 / 700).squareRoot()) < 0.002)
        #expect(abs(std(.kaimingNormal()) - (2.0 / 300).squareRoot()) < 0.002)
        #expect(abs(std(.kaimingUniform(mode: .fanOut)) - (2.0 / 400).squareRoot()) < 0.002)
        #expect(abs(std(.kaimingNormal(nonlinearity: .leakyRelu(slope: 0.2))) - (2 / 1.04 / 300).squareRoot()) < 0.002)
        #expect(abs(std(.lecunNormal) - (1.0 / 300).squareRoot()) < 0.002)
        #expect(abs(std(.normal(std: 0.01)) - 0.01) < 0.0005)
        #expect(Initializer.fans([64, 32, 3, 3]) == (fanIn: 288, fanOut: 576))
        #expect(Initializer.constant(3).make([2], using: &g).scalars == [3, 3])
    }

    /// The whitened stem's positive filters decorrelate the images' patches to unit
    /// variance (λ/(λ+ε) ≈ 1 for the strong directions); each negative filter mirrors
    /// its partner; filters beyond 2·C·k·k keep their initialization.
    @Test func patchWhiteningDecorrelatesPatches() throws {
        // Images with strongly correlated neighbouring pixels: a smoothed noise field.
        var g = RandomGenerator(seed: 3)
        let noise = Tensor.normal([64, 1, 13, 13], using: &g)
        let images = noise.avgPool2d(kernel: (2, 2), stride: (1, 1)) * 3 + 1   // 12×12, mean 1
        let conv = Conv2d(1, 20, kernelSize: 3, bias: true)
        let before = conv.weight.value.scalars
        try PatchWhitening.initialize(conv, images: images, epsilon: 1e-4)
        let w = conv.weight.value.scalars, d = 9
        for pair in 0..<9 {
            let positive: [Float] = Array(w[(2 * pair * d)..<((2 * pair + 1) * d)])
            let negative: [Float] = Array(w[((2 * pair + 1) * d)..<((2 * pair + 2) * d)])
            expectClose(negative, positive.map { -$0 }, tolerance: 1e-6)
        }
        let kept: [Float] = Array(w[(18 * d)...]), initial: [Float] = Array(before[(18 * d)...])
        #expect(kept == initial)
        #expect(conv.bias!.value.scalars.allSatisfy { $0 == 0 })
        // Responses of the positive filters over every patch: covariance ≈ identity for the leading directions.
        let out = conv(images)   // [64, 20, 10, 10]
        let positive = (0..<4).map { out.slice(axis: 1, (2 * $0)..<(2 * $0 + 1)).reshape([out.shape[0] * 100]) }
        let centered = positive.map { $0 - $0.mean() }
        for a in 0..<4 {
            for b in 0..<4 {
                let covariance = (centered[a] * centered[b]).mean().item()
                #expect(abs(covariance - (a == b ? 1 : 0)) < 0.02, "filters \(2 * a), \(2 * b): covariance \(covariance)")
            }
        }
    }

    @Test func orthogonalIsOrthogonal() {
        var g = RandomGenerator(seed: 2)
        for shape in [[6, 4], [4, 6], [5, 5]] {
            let w = Initializer.orthogonal(gain: 2).make(shape, using: &g)
            let small = min(shape[0], shape[1])
            let gram = shape[0] >= shape[1] ? w.matmul(w, transposeA: true) : w.matmul(w, transposeB: true)
            expectClose(gram.scalars, (Tensor.identity(small) * 4).scalars, tolerance: 1e-4)
        }
    }

    /// The notes' point: through 10 ReLU layers Kaiming keeps the activation
    /// variance roughly constant, small Gaussians collapse it, Xavier shrinks it.
    @Test func activationVarianceThroughTenReLULayers() {
        func finalStd(_ initializer: Initializer) -> Float {
            var g = RandomGenerator(seed: 3)
            var x = Tensor.normal([1000, 500], using: &g)
            for _ in 0..<10 {
                let w = initializer.make([500, 500], using: &g)
                x = relu(x.matmul(w, transposeB: true))
            }
            return x.variance().item().squareRoot()
        }
        let kaiming = finalStd(.kaimingNormal()), xavier = finalStd(.xavierNormal()), small = finalStd(.normal(std: 0.01))
        // Input std of a ReLU output from unit Gaussians is ≈ 0.58; Kaiming stays in that range.
        #expect(kaiming > 0.3 && kaiming < 1.5, "kaiming \(kaiming)")
        #expect(xavier < kaiming / 10 && xavier > 1e-4, "xavier \(xavier)")   // shrinks by √2 per layer: ~1/32
        #expect(small < 1e-6, "small gaussian \(small)")   // ×0.16 per layer
    }
}
