import AnnealData
import AnnealIO
import AnnealTensor
import AnnealTestSupport
import Testing

/// Mixup and CutMix batches and their probability targets.
@Suite struct MixingTests {
    func batch(count: Int = 16) -> Batch {
        let loader = DataLoader(rampDataset(count: count), batchSize: count)
        return loader.batches()[0]
    }

    @Test(arguments: [Float(0.2), 1, 4])
    func mixupTargetsSumToOneAndMatchTheInputs(alpha: Float) {
        for index in 0..<5 {
            var mixed = batch()
            let plain = mixed
            var random = SampleRandom(seed: 3, domain: .batch, epoch: 0, index: index, stage: 0)
            Mixup(alpha: alpha).apply(to: &mixed, classCount: 4, random: &random)
            let targets = mixed.targets!
            #expect(targets.shape == [16, 4])
            let rows = targets.scalars
            for row in 0..<16 {
                let t = Array(rows[row * 4..<(row + 1) * 4])
                #expect(abs(t.reduce(0, +) - 1) < 1e-5)
                #expect(t.allSatisfy { $0 >= 0 })
            }
            // One λ for the batch: the own-label weight of any row mixed with another class.
            guard let row0 = (0..<16).first(where: { rows[$0 * 4 + plain.labels[$0]] < 1 - 1e-6 }) else { continue }
            let lambda = rows[row0 * 4 + plain.labels[row0]]
            // Every row is λ·own + (1 − λ)·partner for some partner, in pixels and in targets alike.
            let size = 144, x = mixed.inputs.scalars, a = plain.inputs.scalars
            for row in 0..<16 {
                let partner = (0..<16).first { p in
                    let pixels = (0..<size).allSatisfy { abs(lambda * a[row * size + $0] + (1 - lambda) * a[p * size + $0] - x[row * size + $0]) < 1e-4 }
                    let labels = (0..<4).allSatisfy { k in
                        let expected = lambda * (plain.labels[row] == k ? 1 : 0) + (1 - lambda) * (plain.labels[p] == k ? 1 : 0)
                        return abs(rows[row * 4 + k] - expected) < 1e-5
                    }
                    return pixels && labels
                }
                #expect(partner != nil, "row \(row) is the same λ-mix of pixels and targets")
            }
            #expect(mixed.labels == plain.labels)
        }
    }

    @Test func mixupLambdaFollowsBeta() {
        // Beta(α, α) is symmetric around ½; Beta(1, 1) is uniform (variance 1/12).
        var random = SampleRandom(seed: 11, epoch: 0, index: 0, stage: 0)
        let draws = (0..<4000).map { _ in random.beta(1, 1) }
        let mean = draws.reduce(0, +) / 4000
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4000
        #expect(abs(mean - 0.5) < 0.03 && abs(variance - 1.0 / 12) < 0.01)
        let small = (0..<4000).map { _ in random.beta(0.2, 0.2) }
        // U-shaped: most mass near 0 or 1.
        #expect(small.filter { $0 < 0.1 || $0 > 0.9 }.count > 2000)
        #expect(small.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func cutmixTargetsMatchThePastedArea() {
        for index in 0..<10 {
            var mixed = batch()
            let plain = mixed
            var random = SampleRandom(seed: 4, domain: .batch, epoch: 1, index: index, stage: 0)
            CutMix(alpha: 1).apply(to: &mixed, classCount: 4, random: &random)
            let targets = mixed.targets!.scalars
            let x = mixed.inputs.scalars, a = plain.inputs.scalars
            for row in 0..<16 {
                let t = Array(targets[row * 4..<(row + 1) * 4])
                #expect(abs(t.reduce(0, +) - 1) < 1e-5)
                // Pixels that changed came from elsewhere; the kept share equals the own-label weight
                // (when the partner has another label).
                let changed = (0..<144).filter { x[row * 144 + $0] != a[row * 144 + $0] }.count
                let own = t[plain.labels[row]]
                if own < 1 - 1e-6 && own > 1e-6 { #expect(Float(changed) / 144 <= 1 - own + 1e-5) }
            }
        }
    }

    @Test func loaderAppliesTheTransformPerBatchPosition() {
        let loader = DataLoader(rampDataset(count: 40), batchSize: 8, shuffle: true, seed: 2, batchTransform: Mixup(alpha: 0.4))
        let first = loader.batches(epoch: 3).map { $0 }
        let again = (0..<loader.count).map { loader.batches(epoch: 3)[$0] }
        #expect(first.map(\.inputs) == again.map(\.inputs))
        #expect(first.map { $0.targets! } == again.map { $0.targets! })
        #expect(loader.batches(epoch: 4)[0].targets != first[0].targets)
        #expect(DataLoader(rampDataset(count: 8), batchSize: 8).batches()[0].targets == nil)
    }

    @Test func probabilityTargetsFallBackToOneHot() {
        let plain = batch(count: 4)
        #expect(plain.probabilityTargets(classCount: 4).scalars == [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])
        var skipped = plain
        var random = SampleRandom(seed: 1, domain: .batch, epoch: 0, index: 0, stage: 0)
        Mixup(alpha: 1, probability: 0).apply(to: &skipped, classCount: 4, random: &random)
        #expect(skipped.targets == nil && skipped.inputs == plain.inputs)
    }
}
