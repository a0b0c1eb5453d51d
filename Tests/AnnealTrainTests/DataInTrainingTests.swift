import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealNN
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Data-layer values as the training layer uses them: mixed targets in the loss,
/// fitted whitening in the weights file.
@Suite struct DataInTrainingTests {
    private let dir = TemporaryDirectory()

    func batch(count: Int = 16) -> Batch {
        let samples = Tensor((0..<(count * 4)).map { Float($0) / Float(count * 4) }, shape: [count, 1, 2, 2])
        let data = try! TensorDataset(samples: samples, labels: (0..<count).map { $0 % 4 }, classCount: 4)
        return DataLoader(data, batchSize: count).batches()[0]
    }

    /// Correlated Gaussian samples [n, 1, 2, 3].
    func correlated(_ n: Int) -> TensorDataset {
        var generator = RandomGenerator(seed: 5)
        let z = Tensor.normal([n, 6], using: &generator)
        let mixing = Tensor([[1, 0.5, 0, 0, 0.2, 0], [0, 2, 0.3, 0, 0, 0], [0.4, 0, 0.7, 0.1, 0, 0],
                             [0, 0, 0, 3, 0.5, 0.2], [0, 0.1, 0, 0, 0.3, 0], [0.2, 0, 0, 0, 0, 1.5]])
        return try! TensorDataset(samples: z.matmul(mixing).reshape([n, 1, 2, 3]), labels: [Int](repeating: 0, count: n))
    }

    @Test func crossEntropyAcceptsTheTargets() {
        var mixed = batch()
        var random = SampleRandom(seed: 6, domain: .batch, epoch: 0, index: 0, stage: 0)
        Mixup(alpha: 1).apply(to: &mixed, classCount: 4, random: &random)
        let logits = randomTensor([16, 4], seed: 2)
        let loss = crossEntropy(logits, targets: mixed.targets!)
        #expect(loss.item().isFinite && loss.item() > 0)
        // One-hot targets give the label loss.
        let plain = batch()
        #expect(abs(crossEntropy(logits, targets: plain.probabilityTargets(classCount: 4)).item()
                    - crossEntropy(logits, labels: plain.labels).item()) < 1e-5)
    }

    @Test func whiteningTravelsBesideTheWeights() throws {
        let data = correlated(500)
        let p = try Preprocessing.fit(on: data, normalize: .global, whiten: .zca)
        let json = String(decoding: try JSONEncoder().encode(p), as: UTF8.self)
        #expect(json.count < 400, "the matrix is not in the JSON")
        let model = Linear(6, 2)
        let path = dir.file("whiten.safetensors")
        try WeightsFile(model: model, config: nil, preprocessing: p).write(to: path)
        let file = try WeightsFile.read(path)
        #expect(file.preprocessing == p)
        #expect(file.state.keys.sorted() == ["bias", "weight"])
        try file.apply(to: Linear(6, 2), path: path)
        #expect(file.preprocessing!.apply(data.samples) == p.apply(data.samples))
        // A description without its tensors is refused with a clear message.
        var bare = try JSONDecoder().decode(Preprocessing.self, from: Data(json.utf8))
        #expect(throws: PreprocessingError.self) { try bare.attach(tensors: [:]) }
    }
}
