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
