import AnnealData
import AnnealIO
import AnnealTensor
import AnnealTestSupport
import Foundation
import Testing

/// Normalization, PCA and whitening fitted on training data.
@Suite struct PreprocessingTests {
    /// Files written by a test live here and go with the suite instance.
    private let dir = TemporaryDirectory()

    /// Correlated Gaussian samples [n, 1, 2, 3]: x = A·z + b with a fixed mixing matrix.
    func correlated(_ n: Int = 3000) -> TensorDataset {
        var generator = RandomGenerator(seed: 5)
        let z = Tensor.normal([n, 6], using: &generator)
        let mixing = Tensor([[1, 0.5, 0, 0, 0.2, 0], [0, 2, 0.3, 0, 0, 0], [0.4, 0, 0.7, 0.1, 0, 0],
                             [0, 0, 0, 3, 0.5, 0.2], [0, 0.1, 0, 0, 0.3, 0], [0.2, 0, 0, 0, 0, 1.5]])
        let x = z.matmul(mixing) + Tensor([0.5, -1, 2, 0, 1, 3]).reshape([1, 6])
        return try! TensorDataset(samples: x.reshape([n, 1, 2, 3]), labels: [Int](repeating: 0, count: n))
    }

    /// Sample covariance of rows [n, d].
    func covariance(_ x: Tensor) -> [[Float]] {
        let n = x.shape[0], d = x.shape[1]
        let centered = x - x.mean(axis: 0).reshape([1, d])
        let c = centered.matmul(centered, transposeA: true) / Float(n - 1)
        return (0..<d).map { i in (0..<d).map { j in c[i, j] } }
    }

    func expectIdentity(_ c: [[Float]], tolerance: Float, sourceLocation: SourceLocation = #_sourceLocation) {
        for i in c.indices {
            for j in c.indices {
                #expect(abs(c[i][j] - (i == j ? 1 : 0)) < tolerance, "cov[\(i)][\(j)] = \(c[i][j])", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func globalNormalizationGivesZeroMeanUnitStd() throws {
        let data = correlated()
        let p = try Preprocessing.fit(on: data, normalize: .global)
        #expect(p.mean.count == 1 && p.std.count == 1 && p.whitening == nil)
        let out = p.apply(data.samples).scalars
        let mean = out.reduce(0, +) / Float(out.count)
        let variance = out.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(out.count)
        #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
    }

    @Test func perChannelNormalizationUsesEachChannel() throws {
        // Three channels with different offsets and spreads.
        var values: [Float] = []
        for i in 0..<200 { for c in 0..<3 { for j in 0..<4 { values.append(Float(c * 10) + Float(c + 1) * Float((i * 7 + j * 3) % 11) / 11) } } }
        let data = try TensorDataset(samples: Tensor(values, shape: [200, 3, 2, 2]), labels: [Int](repeating: 0, count: 200))
        let p = try Preprocessing.fit(on: data, normalize: .perChannel)
        #expect(p.mean.count == 3 && p.std.count == 3)
        let out = p.apply(data.samples)
        for c in 0..<3 {
            let channel = out.slice(axis: 1, c..<(c + 1)).scalars
            let mean = channel.reduce(0, +) / Float(channel.count)
            let variance = channel.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(channel.count)
            #expect(abs(mean) < 1e-4 && abs(variance - 1) < 1e-3)
        }
    }

    @Test func pcaWhitenedTrainingDataHasIdentityCovariance() throws {
        let data = correlated()
        let p = try Preprocessing.fit(on: data, normalize: .global, whiten: .pca, epsilon: 1e-6)
        let out = p.apply(data.samples)
        #expect(out.shape == [3000, 6])
        #expect(p.outputShape(for: [1, 2, 3]) == [6])
        expectIdentity(covariance(out), tolerance: 2e-3)
        #expect(abs(p.whitening!.explainedVariance - 1) < 1e-5)
    }

    @Test func zcaWhitenedTrainingDataHasIdentityCovarianceAndKeepsItsShape() throws {
        let data = correlated()
        let p = try Preprocessing.fit(on: data, whiten: .zca, epsilon: 1e-6)
        let out = p.apply(data.samples)
        #expect(out.shape == [3000, 1, 2, 3])
        #expect(p.outputShape(for: [1, 2, 3]) == [1, 2, 3])
        expectIdentity(covariance(out.reshape([3000, 6])), tolerance: 2e-3)
        // ZCA's matrix is symmetric (the whitening closest to the original pixels).
        let w = p.whitening!.matrix
        for i in 0..<6 { for j in 0..<6 { #expect(abs(w[i, j] - w[j, i]) < 1e-4) } }
    }

    @Test func epsilonShrinksSmallDirections() throws {
        let data = correlated()
        let p = try Preprocessing.fit(on: data, whiten: .pca, epsilon: 1)
        let c = covariance(p.apply(data.samples))
        // Variance λ/(λ+ε) < 1 in every direction, smallest for the weakest.
        #expect(c.indices.allSatisfy { c[$0][$0] < 1 })
        #expect(c[5][5] < c[0][0])
    }

    @Test func pcaKeepsTheLeadingComponentsAndReportsTheirVariance() throws {
        let data = correlated()
        let x = data.samples.reshape([3000, 6])
        let (values, _) = try SymmetricEigen.decompose(Tensor(covariance(x).flatMap { $0 }, shape: [6, 6]))
        let eigen = values.scalars.sorted(by: >)
        let expected = eigen.prefix(3).reduce(0, +) / eigen.reduce(0, +)

        let whitened = try Preprocessing.fit(on: data, whiten: .pca, components: 3, epsilon: 1e-6)
        #expect(whitened.apply(data.samples).shape == [3000, 3])
        expectIdentity(covariance(whitened.apply(data.samples)), tolerance: 2e-3)
        #expect(abs(whitened.whitening!.explainedVariance - expected) < 1e-3)
        #expect(whitened.summary.contains("PCA whitening onto 3 of 6"))

        // Without whitening: a plain projection whose variances are the top eigenvalues.
        let projected = try Preprocessing.fit(on: data, components: 3)
        #expect(projected.whitening?.kind == .projection)
        let c = covariance(projected.apply(data.samples))
        for i in 0..<3 {
            #expect(abs(c[i][i] - eigen[i]) < 1e-2 * eigen[i])
            for j in 0..<3 where j != i { #expect(abs(c[i][j]) < 1e-2 * eigen[0]) }
        }
    }

    @Test func badSettingsAreRejected() {
        let data = correlated(10)
        #expect(throws: PreprocessingError.self) { try Preprocessing.fit(on: data, whiten: .zca, components: 3) }
        #expect(throws: PreprocessingError.self) { try Preprocessing.fit(on: data, whiten: .pca, components: 0) }
        #expect(throws: PreprocessingError.self) { try Preprocessing.fit(on: data, whiten: .pca, components: 7) }
        #expect(throws: PreprocessingError.self) { try Preprocessing.fit(on: data, whiten: .pca, epsilon: -1) }
    }

    @Test func oldMeanStdMetadataStillDecodes() throws {
        let old = try JSONDecoder().decode(Preprocessing.self, from: Data(#"{"mean":[0.286],"std":[0.353]}"#.utf8))
        #expect(old == Preprocessing(mean: [0.286], std: [0.353]))
        let none = try JSONDecoder().decode(Preprocessing.self, from: Data(#"{"mean":[],"std":[]}"#.utf8))
        #expect(none == .none)
        // And what we write still has both keys for older readers.
        let text = String(decoding: try JSONEncoder().encode(Preprocessing.none), as: UTF8.self)
        #expect(text.contains("\"mean\"") && text.contains("\"std\""))
    }
}
