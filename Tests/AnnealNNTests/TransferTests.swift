import AnnealNN
import AnnealTensor
import AnnealTestSupport
import Testing

/// What transfer learning needs from a module: partial loads, the head, layer
/// groups, freezing up to a layer, features at a layer, frozen batch norm.
@Suite struct ModuleTransferTests {
    @Test func headAndLayerGroupsFollowTheNetwork() {
        let cnn = SmallCNN.make()
        #expect(cnn.headName == "12")
        #expect(cnn.layerGroups == ["0", "1", "4", "5", "9", "12"])
        let resnet = ResNet(depth: 8)
        #expect(resnet.headName == "fc")
        #expect(resnet.layerGroups == ["conv1", "bn1", "layer1", "layer2", "layer3", "fc"])
        #expect(resnet.isHeadParameter("fc.weight") && !resnet.isHeadParameter("layer3.0.conv1.weight"))
    }

    @Test func matchingLoadTakesWhatFitsAndNamesTheRest() throws {
        let source = SmallCNN.make(classes: 5), target = SmallCNN.make(classes: 10)
        var state = source.stateDict()
        state["extra.weight"] = .ones([2])
        state["4.weight"] = nil
        let before = target.stateDict()
        let mismatch = target.loadMatchingStateDict(state)
        #expect(mismatch.missing == ["4.weight"])
        #expect(mismatch.unexpected == ["extra.weight"])
        #expect(mismatch.shapeMismatches.map(\.name).sorted() == ["12.bias", "12.weight"])
        let after = target.stateDict()
        #expect(after["0.weight"]!.scalars == source.stateDict()["0.weight"]!.scalars)
        #expect(after["4.weight"]!.scalars == before["4.weight"]!.scalars)
        #expect(after["12.weight"]!.scalars == before["12.weight"]!.scalars)
        #expect(mismatch.brief.contains("12.weight ([5, 128] in the file, [10, 128] here)"))
    }

    @Test func freezeUntilFreezesTheLayersBelow() throws {
        let resnet = ResNet(depth: 8)
        try resnet.freeze(until: "layer3")
        for (name, p) in resnet.namedParameters() {
            #expect(p.isFrozen == !(name.hasPrefix("layer3.") || name.hasPrefix("fc.")), "\(name)")
        }
        #expect(throws: LayerNotFound.self) { try resnet.freeze(until: "layer9") }
    }

    @Test func featuresAreTheNamedOutputOrTheHeadsInput() throws {
        var g = RandomGenerator(seed: 3)
        let resnet = ResNet(depth: 8)
        resnet.eval()
        let x = Tensor.normal([2, 1, 28, 28], using: &g)
        let penultimate = try resnet.features(x, at: nil)
        let manual = resnet.layer3(resnet.layer2(resnet.layer1(relu(resnet.bn1(resnet.conv1(x)))))).mean(axes: [2, 3])
        #expect(penultimate.shape == [2, 64])
        expectClose(penultimate.scalars, manual.scalars, tolerance: 1e-6)
        #expect(try resnet.features(x, at: "layer2").shape == [2, 32, 14, 14])
        #expect(throws: LayerNotFound.self) { try resnet.features(x, at: "nope") }
        #expect(resnet.layer2.forwardHook == nil, "the hook is removed again")
    }

    @Test func frozenBatchNormUsesAndKeepsItsRunningStatistics() {
        let bn = BatchNorm2d(3)
        bn.runningMean.value = Tensor([1, 2, 3], shape: [3])
        bn.freeze(prefix: "")
        bn.train()
        var g = RandomGenerator(seed: 4)
        let x = Tensor.normal([4, 3, 2, 2], using: &g)
        let y = bn(x)
        #expect(bn.runningMean.value.scalars == [1, 2, 3])
        #expect(bn.numBatchesTracked.value.item() == 0)
        expectClose(y.scalars, ((x - Tensor([1, 2, 3], shape: [1, 3, 1, 1])) / Float(1 + 1e-5).squareRoot()).scalars, tolerance: 1e-5)
    }
}
