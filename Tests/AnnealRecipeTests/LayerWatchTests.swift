import AnnealData
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Per-layer statistics for any model, the unit-health verdicts, and the layer
/// watch during training: its logged update/weight ratios against an independent
/// Double re-implementation of the optimizer step, and a run watched against one not.
@Suite struct LayerWatchTests {
    @Test func everyLayerOfAResNetIsProbedAndProbingChangesNoOutput() throws {
        GlobalRandom.seed(4)
        let model = ResNet(depth: 20)
        model.eval()
        let x = randomTensor([4, 1, 28, 28], seed: 9)
        let plain = model(x).scalars
        let (probed, rows) = LayerProbe.measure(model) { model(x) }
        #expect(probed.scalars == plain, "the unfused path under a probe gives the fused path's numbers")
        #expect(rows.count >= 60, "\(rows.count) rows")
        #expect(rows.contains { $0.name == "bn1+relu" && $0.deadFraction != nil })
        #expect(rows.contains { $0.name == "layer2.0.shortcut.0" && $0.kind == "Conv2d" })
        #expect(rows.last?.name == "fc")
        #expect(model(x).scalars == plain, "hooks are put back: the fused path again")
        #expect(model.namedModules().allSatisfy { $0.module.forwardHook == nil && $0.module.fusedActivationHook == nil })
    }

    @Test func tanhSaturatesWithALargeInitAndNotWithThePresetOne() throws {
        let inputs = randomTensor([64, 784], seed: 5, low: 0, high: 1)
        let batch = Batch(inputs: inputs, labels: (0..<64).map { $0 % 10 }, indices: Array(0..<64))
        GlobalRandom.seed(1)
        let large = LayerStatistics.run(model: MLP.make(hidden: [256, 256], activation: .tanh, initializer: .normal(std: 1)), batch: batch)
        let first = try #require(large.layers.first { $0.kind == "Tanh" })
        #expect(first.saturatedFraction! > 0.5, "\(first.saturatedFraction!)")
        #expect(large.findings.contains { $0.hasPrefix("\(first.name) (Tanh): ") && $0.contains("saturated") }, "\(large.findings)")
        GlobalRandom.seed(1)
        let preset = LayerStatistics.run(model: MLP.make(hidden: [256, 256], activation: .tanh), batch: batch)
        #expect(preset.layers.filter { $0.kind == "Tanh" }.allSatisfy { $0.saturatedFraction! < UnitHealth.saturationThreshold })
        #expect(!preset.findings.contains { $0.contains("saturated") }, "\(preset.findings)")
    }

    @Test func offCentreAndDeadUnitsAreNamed() {
        func stats(_ kind: String, _ values: [Float]) -> ActivationStatistics {
            ActivationStatistics(name: "h", kind: kind, output: Tensor(values, shape: [values.count / 2, 2]))
        }
        #expect(UnitHealth.findings([stats("Tanh", [0.6, 0.7, 0.8, 0.9, 0.5, 0.6])]).contains { $0.contains("not zero-centred") })
        #expect(UnitHealth.findings([stats("Tanh", [-0.5, 0.5, 0.4, -0.4, 0.1, -0.1])]).isEmpty)
        #expect(UnitHealth.findings([stats("ReLU", [0, 1, 0, 2, 0, 0])]).isEmpty, "one of two units is dead: not above half")
        let dead = stats("ReLU", [0, 0, 0, 2, 0, 1, 0, 0].map(Float.init) + [0, 0])
        #expect(dead.deadFraction == 0.5)
    }

    @Test func ratiosFarFromOneInAThousandNameTheLearningRate() {
        func records(_ ratios: [Double], gradient: (Int) -> Double = { _ in 1 }) -> [LayerWatch.Record] {
            ratios.enumerated().flatMap { i, r in
                ["0", "3"].map { LayerWatch.Record(step: 10 * (i + 1), epoch: 1, layer: $0, kind: "Linear", updateRatio: r, weightNorm: 1, gradientNorm: gradient(i)) }
            }
        }
        #expect(UpdateRatioDiagnosis.findings(records([1e-3, 2e-3, 5e-4])).isEmpty)
        #expect(UpdateRatioDiagnosis.findings(records([1e-6, 2e-6, 1e-3])).first?.verdict == .learningRateTooLow)
        #expect(UpdateRatioDiagnosis.findings(records([0.05, 0.1, 1e-3])).first?.verdict == .learningRateTooHigh)
        // Dead units after two steps: weight decay alone moves the weights (ratio 1e-3); judged on the live steps.
        let died = UpdateRatioDiagnosis.findings(records([0.05, 0.03, 1e-3, 1e-3, 1e-3], gradient: { $0 < 2 ? 1 : 0 }))
        #expect(died.first?.verdict == .learningRateTooHigh)
        #expect(died.first?.evidence.contains("from step 30 on every gradient was zero") == true, "\(died)")
    }

    /// Records each step's weights before it and gradients, for the Double reference.
    final class Recorder: TrainingCallback {
        var weights: [[Double]] = [], gradients: [[Double]] = []
        let parameter: Parameter
        init(_ parameter: Parameter) { self.parameter = parameter }
        func handle(_ event: TrainingEvent, trainer: Trainer) throws {
            if case .batchBegin = event { weights.append(parameter.value.scalars.map(Double.init)) }
            if case .afterBackward = event { gradients.append(parameter.grad!.scalars.map(Double.init)) }
        }
    }

    static func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// Trains 8 steps watching every second one; returns the logged ratios of layer "0" by step and the recorder.
    static func watchedSteps(_ makeOptimizer: (Module) -> Optimizer) throws -> (ratios: [Int: Double], recorder: Recorder) {
        let x = randomTensor([200, 8], seed: 1)
        let data = try TensorDataset(samples: x, labels: (0..<200).map { $0 % 4 }, classCount: 4)
        GlobalRandom.seed(3)
        let model = Sequential(Linear(8, 16), ReLU(), Linear(16, 4))
        let recorder = Recorder(model.namedParameters()[0].parameter)
        let watch = LayerWatch(model: model, every: 2, probe: x, csvPath: nil)
        var ratios: [Int: Double] = [:]
        watch.listeners.append { records, step in ratios[step] = records.first { $0.layer == "0" }?.updateRatio }
        let trainer = Trainer(model: model, optimizer: makeOptimizer(model), callbacks: [recorder, watch])
        try trainer.fit(DataLoader(data, batchSize: 50, shuffle: true, seed: 2), epochs: 2)
        #expect(ratios.keys.sorted() == [2, 4, 6, 8])
        return (ratios, recorder)
    }

    @Test func sgdWithMomentumRatiosMatchADoubleStep() throws {
        let (lr, mu, wd) = (0.05, 0.9, 5e-3)
        let (ratios, r) = try Self.watchedSteps { SGD($0.parameters, learningRate: Float(lr), momentum: Float(mu), weightDecay: Float(wd)) }
        var buffer: [Double] = []
        for (t, (w, g)) in zip(r.weights, r.gradients).enumerated() {
            let d = zip(g, w).map { $0 + wd * $1 }
            buffer = t == 0 ? d : zip(buffer, d).map { mu * $0 + $1 }
            guard let logged = ratios[t + 1] else { continue }
            let expected = lr * Self.norm(buffer) / Self.norm(w)
            #expect(abs(logged - expected) <= 1e-4 * expected, "step \(t + 1): logged \(logged), Double \(expected)")
        }
    }

    @Test func adamWRatiosMatchADoubleStep() throws {
        let (lr, b1, b2, eps, wd) = (1e-3, 0.9, 0.999, 1e-8, 1e-2)
        let (ratios, r) = try Self.watchedSteps { AdamW($0.parameters, learningRate: Float(lr), weightDecay: Float(wd)) }
        var m: [Double] = [], v: [Double] = []
        for (t, (w, g)) in zip(r.weights, r.gradients).enumerated() {
            if t == 0 { (m, v) = ([Double](repeating: 0, count: g.count), [Double](repeating: 0, count: g.count)) }
            m = zip(m, g).map { b1 * $0 + (1 - b1) * $1 }
            v = zip(v, g).map { b2 * $0 + (1 - b2) * $1 * $1 }
            let step = Double(t + 1)
            let (c1, c2) = (1 - pow(b1, step), 1 - pow(b2, step))
            let next = w.indices.map { i in w[i] * (1 - lr * wd) - lr / c1 * m[i] / ((v[i] / c2).squareRoot() + eps) }
            guard let logged = ratios[t + 1] else { continue }
            let expected = Self.norm(zip(next, w).map { $0 - $1 }) / Self.norm(w)
            #expect(abs(logged - expected) <= 1e-4 * expected, "step \(t + 1): logged \(logged), Double \(expected)")
        }
    }

    @Test func watchingChangesNothingItWatches() throws {
        var config = RunConfig(model: .cnn)
        config.epochs = 2
        config.data.trainSubset = 256
        config.data.validationSplit = 0.25
        config.data.batchSize = 64
        config.data.augment = "crop:2"
        let plain = TemporaryDirectory(), watched = TemporaryDirectory()
        _ = try Run(config, directory: plain.path).fit()
        config.control.watchEvery = 3
        _ = try Run(config, directory: watched.path).fit()
        func file(_ d: TemporaryDirectory, _ name: String) -> Data? { FileManager.default.contents(atPath: d.file(name)) }
        #expect(file(plain, Run.weightsFileName) == file(watched, Run.weightsFileName))
        func rows(_ d: TemporaryDirectory) -> [String] {
            String(decoding: file(d, "metrics.csv") ?? Data(), as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
        }
        #expect(rows(plain) == rows(watched) && rows(plain).count == 3)
        let records = try LayerWatch.read(watched.file(LayerWatch.fileName))
        #expect(Set(records.map(\.step)) == [3, 6])   // 192 training images: 3 steps an epoch
        #expect(records.contains { $0.layer == "0" && $0.kind == "Conv2d" && $0.updateRatio! > 0 && $0.activation != nil })
        #expect(records.contains { $0.kind == "ReLU" && $0.activation?.deadFraction != nil })
    }
}
