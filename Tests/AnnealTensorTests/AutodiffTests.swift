@testable import AnnealTensor
import AnnealTestSupport
import Testing

@Suite struct AutodiffTests {
    @Test func gradientsAccumulateIntoLeaves() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        (x * x).sum().backward()
        #expect(x.grad?.scalars == [2, 4, 6])
        (x * 3).sum().backward()
        #expect(x.grad?.scalars == [5, 7, 9])
        x.zeroGrad()
        #expect(x.grad == nil)
    }

    @Test func sharedSubexpressionsAddUp() {
        let x = Tensor([2]).requiringGrad()
        let y = x * x
        (y + y * x).sum().backward()      // d/dx (x² + x³) = 2x + 3x²
        #expect(x.grad?.scalars == [16])
    }

    @Test func explicitUpstreamGradient() {
        let x = Tensor([[1, 2], [3, 4]]).requiringGrad()
        (x * 2).backward(Tensor([[1, 0], [0, 1]]))
        #expect(x.grad?.scalars == [2, 0, 0, 2])
    }

    @Test func broadcastGradientsReduceToInputShape() {
        let bias = Tensor([0, 0, 0]).requiringGrad()
        let x = Tensor.ones([4, 3])
        (x + bias).sum().backward()
        #expect(bias.grad?.shape == [3])
        #expect(bias.grad?.scalars == [4, 4, 4])
    }

    @Test func noGradScopeRecordsNothing() {
        let x = Tensor([1, 2]).requiringGrad()
        let y = withoutGrad { x * x + 1 }
        #expect(!y.requiresGrad)
        #expect(y.node == nil)
        #expect((x * x).requiresGrad)
    }

    @Test func detachCutsTheGraph() {
        let x = Tensor([3]).requiringGrad()
        let y = x * x.detached()
        y.sum().backward()
        #expect(x.grad?.scalars == [3])
    }

    @Test func graphIsReleasedAfterBackward() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        let hidden = exp(x)
        let loss = (hidden * hidden).sum()
        weak var savedNode = hidden.node
        loss.backward()
        #expect(loss.node?.backward == nil)
        #expect(loss.node?.inputs.isEmpty == true)
        #expect(hidden.node?.backward == nil)
        _ = savedNode
    }

    @Test func constantsDoNotRequireGrad() {
        let x = Tensor([1, 2])
        #expect(!(x * 2).requiresGrad)
        #expect(!x.requiresGrad)
    }

    /// Data parallelism sends a gradient as soon as it is complete: the callback
    /// comes once per backward, after every use of the leaf has added its part, and
    /// before backward reaches leaves used earlier in the forward pass.
    @Test func aLeafIsToldWhenItsGradientIsComplete() {
        let early = Tensor([1, 2]).requiringGrad(), late = Tensor([3, 4]).requiringGrad()
        var seen: [String] = []
        early.whenGradientComplete { seen.append("early \(early.grad!.scalars)") }
        late.whenGradientComplete { seen.append("late \(late.grad!.scalars)") }
        let hidden = (early * 2) * early
        ((hidden * late) + late * late).sum().backward()
        #expect(seen.count == 2 && seen[0] == "late \((hidden + late * 2).scalars)")
        #expect(seen[1].hasPrefix("early"))
        late.whenGradientComplete(nil)
        early.whenGradientComplete(nil)
        (early * late).sum().backward()
        #expect(seen.count == 2)
    }

    @Test func gradientCheckFindsAWrongGradientAndPassesARightOne() {
        // cube(x) = x³ recorded with its gradient 3x², and with a wrong one (2x²).
        func cube(_ x: Tensor, factor: Float) -> Tensor {
            let value = withoutGrad { x * x * x }
            return value.recorded(as: "cube", from: [x]) { g in [g * (x.detached() * x.detached() * factor)] }
        }
        let x = randomTensor([3, 4], seed: 5, awayFromZero: 0.5)
        let right = GradientCheck.compare([x]) { cube($0[0], factor: 3) }
        #expect(right.largestError < 1e-3, "\(right)")
        let wrong = GradientCheck.compare([x]) { cube($0[0], factor: 2) }
        // (3x² − 2x²) / max(1, 3x²): at least 1/3 where |x| ≥ 1/√3.
        #expect(wrong.largestError > 0.3 && abs(wrong.finiteDifference - 1.5 * wrong.autodiff) < 1e-2 * abs(wrong.finiteDifference), "\(wrong)")
        // An input the function ignores gets no gradient, which counts as zero: no error.
        #expect(GradientCheck.compare([x, x]) { cube($0[0], factor: 3) }.largestError < 1e-3)
    }
}
