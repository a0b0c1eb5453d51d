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

/// Training on the user's own data: the `--data` specs, models sized from the data,
/// and weights files that rebuild them.
@Suite struct OwnDataTests {
    let dir = TemporaryDirectory()

    @Test func specsParseAndPrintBack() throws {
        for spec in ["fashion-mnist", "imagefolder:/data/pets", "npy:x.npy,y.npy", "npy:a/x.npy,a/y.npy:layout=nhwc", "idx:a.gz,b.gz", "cifar10:/c"] {
            #expect(try DataSource(parsing: spec).description == spec)
        }
        #expect(try DataSource(parsing: "npy:x.npy,y.npy:layout=nchw") == .npy(images: "x.npy", labels: "y.npy", layout: .nchw))
        for (bad, fragment) in [("mnist", "unknown kind 'mnist'"), ("npy:x.npy", "two files"), ("npy:x.npy,y.npy:layout=hwc", "layout must be"),
                                ("imagefolder:", "needs a folder"), ("fashion-mnist:/x", "takes no path")] {
            #expect { try DataSource(parsing: bad) } throws: { error in
                let e = error as? ConfigError
                return e?.field == "data.dataset" && e?.message.contains(fragment) == true && e?.message.contains("cifar10:DIR") == true
            }
        }
        // run.json: a source is its spec string; files from before specs existed read as before.
        var config = RunConfig(model: .cnn)
        config.data.dataset = .imageFolder(path: "/data/pets")
        config.data.imageSize = [32, 32]
        #expect(try RunConfig.decode(config.jsonData()) == config)
        #expect(try RunConfig.decode(Data(#"{"data": {"dataset": "fashion-mnist"}}"#.utf8)).data.dataset == .fashionMNIST)
    }

    /// ROOT/train/CLASS and ROOT/test/CLASS of 8×8 colour images whose class is the
    /// dominant colour channel (learnable in a few steps).
    func makeFolder() throws -> String {
        let root = dir.file("colours")
        var generator = RandomGenerator(seed: 5)
        for (split, count) in [("train", 40), ("test", 12)] {
            for (label, name) in ["red", "green", "blue"].enumerated() {
                try Directory.create("\(root)/\(split)/\(name)")
                for i in 0..<count {
                    var pixels: [UInt8] = []
                    for p in 0..<(8 * 8 * 3) {
                        let noise = generator.nextInt(below: 100)
                        pixels.append(UInt8(p % 3 == label ? 150 + noise : noise))
                    }
                    try Bitmap(width: 8, height: 8, channels: 3, pixels: pixels).write(to: "\(root)/\(split)/\(name)/\(i).png")
                }
            }
        }
        return root
    }

    @Test(arguments: [ModelPreset.mlp, .cnn, .resnet20])
    func presetsTakeTheirShapeFromTheData(_ preset: ModelPreset) throws {
        let root = try makeFolder()
        var config = RunConfig(model: preset)
        config.data.dataset = .imageFolder(path: root)
        config.data.batchSize = 20
        config.data.normalize = .perChannel
        config.epochs = preset == .resnet20 ? 1 : 3
        let run = try Run(config, directory: dir.file("run-\(preset)"))
        #expect(run.modelConfig.inputShape == [3, 8, 8] && run.modelConfig.classes == 3)
        #expect(run.modelConfig.classNames == ["blue", "green", "red"])
        #expect(run.evaluationSet.count == 36, "the test folder beside train")
        let outcome = try run.fit()
        if preset != .resnet20 { #expect(outcome.evaluation!.accuracy > 0.9, "colours are easy: \(outcome.evaluation!.accuracy)") }

        // The weights file rebuilds the same model, with its preprocessing and class names.
        let (model, stored, preprocessing) = try WeightsFile.loadModel(dir.file("run-\(preset)/model.safetensors"))
        #expect(stored.inputShape == [3, 8, 8] && stored.classNames == ["blue", "green", "red"])
        let again = Evaluator(preprocessing: preprocessing).evaluate(model, on: DataLoader(try config.loadTestSet(), batchSize: 50))
        #expect(again.accuracy == outcome.evaluation!.accuracy)
    }

    @Test func missingTestImagesAndTooFewOutputsAreConfigErrors() throws {
        let root = try makeFolder()
        try FileManager.default.removeItem(atPath: root + "/test")
        var config = RunConfig(model: .mlp)
        config.data.dataset = .imageFolder(path: root + "/train")
        #expect { try config.loadData() } throws: { ($0 as? ConfigError)?.message.contains("--test-data") == true }
        config.data.validationSplit = 0.25
        #expect(try config.loadData().evaluation.count == 30)
        config.model.classes = 2
        #expect { try Run(config, directory: dir.file("r")) } throws: { ($0 as? ConfigError)?.field == "model.classes" }
        config.model.classes = nil
        config.data.imageSize = [16, 16]
        let (train, _, _) = try config.loadData()
        #expect(train.sampleShape == [3, 16, 16])
        var fashion = RunConfig(model: .mlp)
        fashion.data.imageSize = [16, 16]
        #expect { try fashion.resolved() } throws: { ($0 as? ConfigError)?.field == "data.imageSize" }
    }
}
