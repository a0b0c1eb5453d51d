import AnnealDistributed
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

/// Transfer learning: linear heads by liblinear, starting runs from saved weights,
/// freezing, discriminative learning rates and gradual unfreezing.
@Suite struct TransferTests {
    let dir = TemporaryDirectory()

    /// A hand-checked separable problem: x < 0 is class 0, x > 0 class 1.
    @Test(arguments: LinearHead.Loss.allCases)
    func separableProblemIsSolvedAndTwoClassesGiveOneDecisionRow(loss: LinearHead.Loss) throws {
        let x = Tensor([-2, -1, -0.5, 0.5, 1, 2], shape: [6, 1])
        let head = try LinearHead.fit(features: x, labels: [0, 0, 0, 1, 1, 1], loss: loss, C: 10, tolerance: 1e-8)
        #expect(head.weight.shape == [2, 1] && head.bias.shape == [2])
        #expect(head.weight.scalars[0] < 0, "row 0 scores class 0, which lies at negative x")
        #expect(head.weight.scalars[1] == 0 && head.bias.scalars[1] == 0, "row 1 stays zero: one decision function")
        let scores = head.makeLayer()(x)
        #expect(scores.argmax(axis: 1) == [0, 0, 0, 1, 1, 1])
        // Standardizing changes the solver's problem, not the decision on this data.
        let standardized = try LinearHead.fit(features: x * 100 + 7, labels: [0, 0, 0, 1, 1, 1], loss: loss, C: 10, standardize: true)
        #expect(standardized.makeLayer()(x * 100 + 7).argmax(axis: 1) == [0, 0, 0, 1, 1, 1])
    }

    /// liblinear here against scikit-learn's copy of it on a fixed 3-class problem.
    @Test(.enabled(if: Python.hasScikitLearn, "set ANNEAL_PYTHON to a Python with scikit-learn"))
    func matchesScikitLearn() throws {
        let path = dir.file("sklearn.json")
        let result = Python.run([Python.script("transfer_interop.py"), "sklearn", path])
        try #require(result.status == 0, "\(result.output)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        let x = (json["x"] as! [[Double]]).flatMap { $0.map(Float.init) }, y = json["y"] as! [Int]
        for loss in LinearHead.Loss.allCases {
            let expected = json[loss.rawValue] as! [String: Any]
            let head = try LinearHead.fit(features: Tensor(x, shape: [y.count, 4]), labels: y, loss: loss, C: 0.5, tolerance: 1e-10)
            expectClose(head.weight.scalars, (expected["coef"] as! [[Double]]).flatMap { $0.map(Float.init) }, tolerance: 1e-4, "\(loss)")
            expectClose(head.bias.scalars, (expected["intercept"] as! [Double]).map(Float.init), tolerance: 1e-4, "\(loss)")
        }
    }

    /// A class without training samples gets no decision function and never wins.
    @Test func absentClassesNeverScoreHighest() throws {
        let x = Tensor([-2, -1, 1, 2], shape: [4, 1])
        let head = try LinearHead.fit(features: x, labels: [0, 0, 2, 2], classes: 4, loss: .logistic)
        #expect(head.makeLayer()(x).argmax(axis: 1) == [0, 0, 2, 2])
        #expect(head.bias.scalars[1] < -1e8 && head.bias.scalars[3] < -1e8)
    }

    @Test func freezingNamesModulesNotTextPrefixes() throws {
        var c = Self.smallRun()
        c.model = ModelConfig(name: .cnn)
        c.transfer.freeze = ["1"]
        let model = try ModelConfig(name: .cnn).makeModel()
        try c.transfer.applyFreezing(to: model)
        #expect(model.namedParameters().filter(\.parameter.isFrozen).map(\.name) == ["1.weight", "1.bias"])
    }

    @Test func badFeaturesAreRefusedWithOneMessage() {
        let x = Tensor([1, 2, 3, 4], shape: [2, 2])
        for (labels, fragment) in [([0], "2 feature rows but 1 labels"), ([1, 1], "single class"), ([0, -1], "outside")] {
            #expect(throws: LinearHeadError.self) { try LinearHead.fit(features: x, labels: labels, loss: .logistic) }
            do { _ = try LinearHead.fit(features: x, labels: labels, loss: .logistic) } catch {
                #expect("\(error)".contains(fragment), "\(error)")
            }
        }
        #expect(throws: LinearHeadError.self) { try LinearHead.fit(features: Tensor([.nan, 1], shape: [2, 1]), labels: [0, 1], loss: .svm) }
    }

    @Test func headFilesRoundTripAndNameTheirLayer() throws {
        let head = LinearHead(weight: Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), bias: Tensor([0.5, -1], shape: [2]))
        try head.write(to: dir.file("head.safetensors"), layer: "layer3")
        let (read, layer) = try LinearHead.read(dir.file("head.safetensors"))
        #expect(read.weight.scalars == head.weight.scalars && read.bias.scalars == head.bias.scalars && layer == "layer3")
        try SafeTensorsFile(tensors: ["x": ShapedArray(shape: [1], values: [0])]).write(to: dir.file("other.safetensors"))
        #expect(throws: AnnealIOError.self) { try LinearHead.read(dir.file("other.safetensors")) }
    }

    @Test func backboneLearnsAtItsFraction() throws {
        let model = ResNet(depth: 8)
        let optimizer = try OptimizerConfig(name: .sgd, learningRate: 0.1, weightDecay: 0)
            .makeOptimizer(for: model, backboneLearningRateScale: 0.1)
        let fc = Set([ObjectIdentifier(model.fc.weight), ObjectIdentifier(model.fc.bias!)])
        for group in optimizer.parameterGroups {
            let head = group.parameters.allSatisfy { fc.contains(ObjectIdentifier($0)) }
            #expect(head || group.parameters.allSatisfy { !fc.contains(ObjectIdentifier($0)) }, "groups do not mix head and backbone")
            let rate = group.hyperparameters(defaults: optimizer.defaults).learningRate
            if !group.parameters.isEmpty { #expect(abs(rate - (head ? 0.1 : 0.01)) < 1e-7, "\(group.name)") }
        }
        #expect(optimizer.parameters.count == model.parameters.count)
    }

    static func smallRun(classes: [Int]? = nil) -> RunConfig {
        var c = RunConfig(model: .mlp)
        c.model.hidden = [16]
        c.epochs = 1
        c.data.trainSubset = 512
        c.data.classes = classes
        c.seed = 2
        return c
    }

    /// A source run on classes 0–4, then a target run on 5–9 from its weights:
    /// gradual unfreezing keeps the backbone fixed in the first epoch, and a head of
    /// another size is an error unless a partial load is allowed.
    @Test func runsStartFromSavedWeights() throws {
        let source = try Run(Self.smallRun(classes: [0, 1, 2, 3, 4]), directory: dir.file("source"))
        try source.fit()
        let (first, last) = (source.model.namedParameters()[0].name, source.model.headName! + ".weight")
        #expect(source.model.stateDict()[last]!.shape == [5, 16])

        var target = Self.smallRun(classes: [5, 6, 7, 8, 9])
        target.transfer.initFrom = dir.file("source/model.safetensors")
        target.transfer.resetHead = true
        target.transfer.unfreezeEvery = 5
        let run = try Run(target, directory: dir.file("target"))
        #expect(run.transferReport.isEmpty)
        let backbone = run.model.stateDict()[first]!.scalars, head = run.model.stateDict()[last]!.scalars
        #expect(backbone == source.model.stateDict()[first]!.scalars)
        #expect(head != source.model.stateDict()[last]!.scalars, "the head was reset")
        try run.fit()
        #expect(run.model.stateDict()[first]!.scalars == backbone, "frozen in the first epoch")
        #expect(run.model.stateDict()[last]!.scalars != head)

        var wider = Self.smallRun(classes: [5, 6, 7, 8, 9])
        wider.model.classes = 10
        wider.transfer.initFrom = dir.file("source/model.safetensors")
        #expect(throws: ConfigError.self) { try Run(wider, directory: dir.file("wider")) }
        wider.transfer.allowPartial = true
        let partial = try Run(wider, directory: dir.file("wider"), overwrite: true)
        let headName = partial.model.headName!
        #expect(partial.transferReport.shapeMismatches.map(\.name).sorted() == [headName + ".bias", headName + ".weight"])
        #expect(partial.transferReport.missing.isEmpty && partial.transferReport.unexpected.isEmpty)
    }

    @Test func initFromAFileThatIsNotWeightsIsOneError() throws {
        for (name, bytes) in [("text.safetensors", Array("not weights".utf8)), ("cut.safetensors", [UInt8](repeating: 0, count: 3))] {
            var c = Self.smallRun()
            c.transfer.initFrom = dir.write(bytes, to: name)
            #expect(throws: AnnealIOError.self) { try Run(c, directory: dir.file("run-\(name)")) }
        }
        var c = Self.smallRun()
        c.transfer.freezeUntil = "7"
        #expect(throws: ConfigError.self) { try Run(c, directory: dir.file("run-freeze")) }
    }
}
