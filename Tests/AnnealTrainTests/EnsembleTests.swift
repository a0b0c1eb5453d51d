import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Ensembles score like the hand-computed combination of their members.
@Suite struct EnsembleTests {
    let dir = TemporaryDirectory()

    /// A linear model with the given weight and zero bias (2 inputs, 3 classes).
    func member(_ weight: [[Float]]) throws -> Sequential {
        let model = Sequential(Linear(2, 3))
        try model.loadStateDict(["0.weight": Tensor(weight), "0.bias": Tensor([0, 0, 0])])
        return model
    }

    @Test func combinationsMatchAHandComputation() throws {
        let a = try member([[1, 0], [0, 1], [1, 1]]), b = try member([[0, 2], [1, 0], [-1, 0]]), c = try member([[3, 0], [0, 0], [0, 3]])
        let x = Tensor([[1, 2], [-1, 0.5]])
        let outputs = [a(x), b(x), c(x)].map(\.scalars)
        func softmax(_ row: ArraySlice<Float>) -> [Float] {
            let m = row.max()!, e = row.map { exp($0 - m) }, s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        for combination in Ensemble.Combination.allCases {
            let scores = Ensemble([a, b, c], combination: combination)(x).scalars
            for row in 0..<2 {
                let rows = outputs.map { $0[(row * 3)..<(row * 3 + 3)] }
                let meanLogits = (0..<3).map { k in rows.map { $0[$0.startIndex + k] }.reduce(0, +) / 3 }
                let meanProbs = (0..<3).map { k in rows.map { softmax($0)[k] }.reduce(0, +) / 3 }
                let expected: [Float]
                switch combination {
                case .logits: expected = meanLogits
                case .probabilities: expected = meanProbs.map { log($0) }
                case .vote:
                    let votes = (0..<3).map { k in Float(rows.filter { r in r.firstIndex(of: r.max()!)! - r.startIndex == k }.count) / 3 }
                    expected = zip(votes, meanProbs).map { log($0 * 0.999 + $1 * 0.001) }
                }
                expectClose(Array(scores[(row * 3)..<(row * 3 + 3)]), expected, tolerance: 1e-5)
            }
        }
    }

    @Test func membersKeepTheirOwnPreprocessingAndTestTimeFlipsWork() throws {
        GlobalRandom.seed(5)
        var config = ModelConfig(name: .mlp)
        config.hidden = [8]
        config.inputs = 16
        let first = try config.makeModel(), second = try config.makeModel()
        let p1 = Preprocessing(mean: [0.5], std: [2]), p2 = Preprocessing(mean: [0.1], std: [0.3])
        try WeightsFile(model: first, config: config, preprocessing: p1).write(to: dir.file("a.safetensors"))
        try WeightsFile(model: second, config: config, preprocessing: p2).write(to: dir.file("b.safetensors"))
        let ensemble = try Ensemble.load([dir.file("a.safetensors"), dir.file("b.safetensors")], combination: .logits)
        first.eval(); second.eval()
        let images = randomTensor([3, 1, 4, 4], seed: 9)
        let expected = (first(p1.apply(images)) + second(p2.apply(images))) / 2
        expectClose(ensemble(images).scalars, expected.scalars, tolerance: 1e-5)
        let data = try TensorDataset(samples: images, labels: [0, 1, 2])
        let flipped = Evaluator(testTimeAugmentation: .flip).evaluate(ensemble, on: DataLoader(data, batchSize: 2))
        #expect(flipped.samples == 3 && flipped.loss.isFinite)
    }

    @Test func aCorruptMemberIsNamed() throws {
        let good = dir.file("good.safetensors")
        var config = ModelConfig(name: .mlp)
        config.hidden = [4]
        try WeightsFile(model: try config.makeModel(), config: config, preprocessing: nil).write(to: good)
        let bad = dir.write(Array(readBytesForTest(good).prefix(40)), to: "bad.safetensors")
        #expect(throws: AnnealIOError.self) { try Ensemble.load([good, bad]) }
        do { _ = try Ensemble.load([good, bad]) } catch { #expect("\(error)".hasPrefix(bad)) }
    }

    @Test func membersDifferInSeedAndListedHyperparameters() throws {
        var base = RunConfig(model: .mlp)
        base.seed = 10
        let training = try EnsembleTraining(base: base, members: 3, directory: dir.file("e"), variations: [
            .init(field: "lr", values: ["0.01", "0.1"]), .init(field: "data.augment", values: ["flip"])])
        let configs = try (0..<3).map { try training.memberConfig($0) }
        #expect(configs.map(\.seed) == [10, 11, 12])
        #expect(configs.map(\.optimizer.learningRate) == [0.01, 0.1, 0.01])
        #expect(configs.allSatisfy { $0.data.augment == "flip" })
        #expect(training.manifest.settings?[1] == ["optimizer.learningRate": "0.1", "data.augment": "flip"])
        #expect(try training.prepareMember(0) && Directory.fileExists(dir.file("e/member-1/run.json")))
        #expect(throws: ConfigError.self) { try EnsembleTraining(base: base, members: 2, directory: dir.file("x"), variations: [.init(field: "speed", values: ["1"])]) }
        #expect(throws: ConfigError.self) { try EnsembleTraining(base: base, members: 2, directory: dir.file("x"), variations: [.init(field: "lr", values: ["-1"])]) }
        #expect(throws: ConfigError.self) {
            try EnsembleTraining(base: base, members: 2, directory: dir.file("x"), variations: [.init(field: "lr", values: ["0.1"]), .init(field: "optimizer.learningRate", values: ["0.2"])])
        }
    }

    func readBytesForTest(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path)!) }
}
