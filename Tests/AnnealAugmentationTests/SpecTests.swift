import AnnealData
import AnnealIO
import AnnealTensor
import Testing

/// The `--augment` spec grammar and its one-line errors.
@Suite struct SpecTests {
    @Test func issueExampleParses() throws {
        let spec = try AugmentationSpec.parse("flip,crop:4,affine:rot=10:shear=5:scale=0.9-1.1,lens:0.1,erase:0.5,mixup:0.2")
        #expect(spec.pipeline.stages.count == 5)
        let flip = try #require(spec.pipeline.stages[0] as? HorizontalFlip)
        #expect(flip.probability == 0.5)
        let crop = try #require(spec.pipeline.stages[1] as? RandomCrop)
        #expect(crop.padding == 4 && crop.mode == .zero)
        let affine = try #require(spec.pipeline.stages[2] as? RandomAffine)
        #expect(affine.rotation == -10...10 && affine.shearX == -5...5 && affine.scale == 0.9...1.1)
        let lens = try #require(spec.pipeline.stages[3] as? LensDistortion)
        #expect(lens.k1 == -0.1...0.1 && lens.k2 == 0...0)
        let erase = try #require(spec.pipeline.stages[4] as? RandomErasing)
        #expect(erase.probability == 0.5 && erase.fill == .value(0))
        let mixup = try #require(spec.batchTransform as? Mixup)
        #expect(mixup.alpha == 0.2)
    }

    @Test func keysRangesAndDefaults() throws {
        let spec = try AugmentationSpec.parse(
            " vflip:0.3 , crop:2:mode=reflect:fill=0.5, resized-crop:0.5-1:ratio=0.8-1.25, translate:0.1:y=0.2, rotate:-5-20,"
            + "scale:0.2, stretch:0.8-1.2:p=0.5, shear:7:y=3, lens:k1=-0.2--0.1:k2=0.05, jitter:0.3:hue=0.1, erase:fill=noise:count=2:area=0.1-0.2,"
            + "cutout:6, cutmix, mixup")
        let s = spec.pipeline.stages
        #expect(s.count == 12)
        #expect((s[0] as? VerticalFlip)?.probability == 0.3)
        #expect((s[1] as? RandomCrop).map { ($0.padding, $0.mode, $0.fill) == (2, .reflect, 0.5) } == true)
        #expect((s[2] as? RandomResizedCrop).map { $0.scale == 0.5...1 && $0.ratio == 0.8...1.25 } == true)
        #expect((s[3] as? RandomAffine).map { $0.translateX == -0.1...0.1 && $0.translateY == -0.2...0.2 } == true)
        #expect((s[4] as? RandomAffine)?.rotation == -5...20)
        #expect((s[5] as? RandomAffine)?.scale == 0.8...1.2)
        #expect((s[6] as? RandomAffine).map { $0.stretch == 0.8...1.2 && $0.probability == 0.5 } == true)
        #expect((s[7] as? RandomAffine).map { $0.shearX == -7...7 && $0.shearY == -3...3 } == true)
        #expect((s[8] as? LensDistortion).map { $0.k1 == -0.2...(-0.1) && $0.k2 == -0.05...0.05 } == true)
        #expect((s[9] as? ColorJitter).map { ($0.brightness, $0.contrast, $0.saturation, $0.hue) == (0.3, 0.3, 0.3, 0.1) } == true)
        #expect((s[10] as? RandomErasing).map { $0.fill == .noise && $0.count == 2 && $0.area == 0.1...0.2 && $0.probability == 0.5 } == true)
        #expect((s[11] as? Cutout)?.size == 6)
        let choice = try #require(spec.batchTransform as? BatchTransformChoice)
        #expect(choice.options.count == 2)
    }

    @Test func emptyAndNone() throws {
        #expect(try AugmentationSpec.parse("").isEmpty)
        #expect(try AugmentationSpec.parse("none").isEmpty)
    }

    @Test(arguments: [
        ("flip,xyz", ["unknown augmentation 'xyz'", "valid: flip, hflip, vflip, crop", "mixup, cutmix"]),
        ("affine:foo=1", ["unknown key 'foo' in 'affine:foo=1'", "valid keys for affine: rot, translate, scale"]),
        ("crop:abc", ["bad value 'abc' for pad in 'crop:abc'"]),
        ("crop:4:mode=wrap", ["bad mode 'wrap' in 'crop:4:mode=wrap'", "valid: zero, reflect"]),
        ("affine:scale=1.1-0.9", ["bad range '1.1-0.9' for scale"]),
        ("scale:3", ["bad range '3' for range in 'scale:3'"]),
        ("crop:4:5", ["unexpected '5' in 'crop:4:5'"]),
        ("affine:10", ["unexpected '10' in 'affine:10'", "KEY=VALUE"]),
        ("flip,,crop", ["empty augmentation item"]),
        ("flip:2", ["bad value '2' for p in 'flip:2'"]),
        ("crop:4:pad=3", ["unexpected '4' in 'crop:4:pad=3'"]),
        ("erase:fill=red", ["bad value 'red' for fill", "'noise'"]),
        ("mixup:0", ["bad value '0' for alpha"]),
        ("lens:k1=0.1:k1=0.2", ["key 'k1' given twice"]),
    ])
    func badSpecsNameTheTokenOnOneLine(spec: String, fragments: [String]) {
        do {
            _ = try AugmentationSpec.parse(spec)
            Issue.record("'\(spec)' parsed")
        } catch {
            #expect(!error.message.contains("\n"))
            for fragment in fragments { #expect(error.message.contains(fragment), "\(error.message)") }
        }
    }

    @Test func everyGrammarNameBuilds() throws {
        for item in AugmentationSpec.grammar {
            let spec = try AugmentationSpec.parse(item.name)
            #expect(!spec.isEmpty, "\(item.name)")
            // And its parsed pipeline runs on both channel counts.
            for channels in [1, 3] {
                let data = rampDataset(count: 4, channels: channels)
                let loader = DataLoader(AugmentedDataset(data, pipeline: spec.pipeline, seed: 1), batchSize: 4,
                                        batchTransform: spec.batchTransform)
                let batch = loader.batches()[0]
                #expect(batch.inputs.shape == [4, channels, 12, 12])
                #expect(batch.inputs.scalars.allSatisfy { $0.isFinite })
            }
        }
    }
}
