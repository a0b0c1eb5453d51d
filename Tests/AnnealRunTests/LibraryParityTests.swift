import AnnealData
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// What the command line does, the library does: the predictor, value parsing, the worker pool.
@Suite struct LibraryParityTests {
    let dir = TemporaryDirectory()

    /// Two tiny models' weights files.
    func weights() throws -> [String] {
        try (0..<2).map { seed in
            var config = ModelConfig(name: .mlp)
            config.hidden = [8]
            let model = try GlobalRandom.withSeed(UInt64(seed)) { try config.makeModel() }
            let path = dir.file("m\(seed).safetensors")
            try WeightsFile(model: model, config: config, preprocessing: .none).write(to: path)
            return path
        }
    }

    @Test func aPredictorOfOneFileScoresAsItsModelAndAnEnsembleAveragesProbabilities() throws {
        let paths = try weights()
        let images = try TensorDataset(samples: randomTensor([6, 1, 28, 28], seed: 3), labels: [0, 1, 2, 3, 4, 5], classCount: 10)
        let (model, _, _) = try WeightsFile.loadModel(paths[0])
        let single = try Predictor(weights: [paths[0]])
        #expect(single.scoreKind == "logits" && !single.isEnsemble)
        expectClose(single.scores(images).scalars, withoutGrad { model(images.samples) }.scalars, tolerance: 1e-5)
        let ensemble = try Predictor(weights: [paths.joined(separator: ",")])
        #expect(ensemble.isEnsemble && ensemble.scoreKind == "ensemble log-probabilities")
        let probabilities = try paths.map { try Predictor(weights: [$0]).scores(images).softmax(axis: 1) }
        let expected = log((probabilities[0] + probabilities[1]) / 2)
        expectClose(ensemble.scores(images).scalars, expected.scalars, tolerance: 1e-5)
        #expect(throws: PredictorError.self) { try Predictor(weights: paths, head: dir.file("head.safetensors")) }
        #expect(throws: PredictorError.self) { try Predictor(weights: [paths[0]], testTimeAugmentation: .flip, monteCarloPasses: 3) }
        #expect(throws: PredictorError.self) { try Predictor(weights: [" , "]) }
    }

    @Test func textValuesParseOrNameTheirField() throws {
        #expect(try ValueParsing.sizes("1024, 512", field: "model.hidden") == [1024, 512])
        #expect(try ValueParsing.imageSize("32", field: "data.imageSize") == [32, 32])
        #expect(try ValueParsing.imageSize("24x32", field: "data.imageSize") == [24, 32])
        #expect(try ValueParsing.classes("5-7,0", field: "data.classes") == [5, 6, 7, 0])
        #expect(try ValueParsing.numbers("0.9,0.999", field: "optimizer.betas") == [Float(0.9), Float(0.999)])
        for (text, parse) in [("3,x", { try ValueParsing.sizes($0, field: "f") }), ("0x3", { try ValueParsing.imageSize($0, field: "f") }),
                              ("9-2", { try ValueParsing.classes($0, field: "f") })] as [(String, (String) throws -> [Int])] {
            do { _ = try parse(text); Issue.record("'\(text)' parsed") } catch let error as ConfigError { #expect(error.field == "f") }
        }
    }

    @Test func theWorkerPoolRunsEveryJobAtMostNAtOnce() {
        let running = LockedList<Int>(), peak = LockedList<Int>()
        let counter = Counter()
        WorkerPool(workers: 2).run(Array(0..<8)) { job in
            let now = counter.change(+1)
            peak.append(now)
            Thread.sleep(forTimeInterval: 0.01)
            running.append(job)
            _ = counter.change(-1)
        }
        #expect(running.all.sorted() == Array(0..<8))
        #expect((peak.all.max() ?? 0) <= 2)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func change(_ delta: Int) -> Int { lock.withLock { value += delta; return value } }
    }
}
