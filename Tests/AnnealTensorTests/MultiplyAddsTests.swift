@testable import AnnealTensor
import Testing

/// `MultiplyAdds` against counts written out by hand for each op.
@Suite struct MultiplyAddsTests {
    @Test func countsProductsAndTheBackwardTheyImply() {
        var generator = RandomGenerator(seed: 3)
        let x = Tensor.uniform([4, 1, 6, 6], using: &generator)                    // data: no gradient
        let kernel = Tensor.uniform([3, 1, 3, 3], using: &generator).requiringGrad()
        let weight = Tensor.uniform([5, 48], using: &generator).requiringGrad()
        let other = Tensor.uniform([5, 7], using: &generator)
        let count = MultiplyAdds.counting {
            let features = Tensor.conv2d(x, weight: kernel).reshape([4, 48])        // 4·3·4·4 outputs of 1·3·3 each
            let hidden = Tensor.linear(features, weight: weight, bias: nil)          // 4×5 of 48 each
            _ = hidden.matmul(other)                                               // 4×7 of 5 each
        }
        let conv = 4 * 3 * 4 * 4 * 9, linear = 4 * 5 * 48, product = 4 * 7 * 5
        #expect(count.forward == Double(conv + linear + product))
        // conv: the kernel's gradient only; linear: both operands'; the product: its left operand's.
        #expect(count.backward == Double(conv + 2 * linear + product))
        #expect(count.trainingFLOPs == 2 * (count.forward + count.backward))
    }

    @Test func countsNothingOutsideAScope() {
        let a = Tensor.ones([8, 8])
        _ = a.matmul(a)
        #expect(MultiplyAdds.counting {} == MultiplyAdds.Count())
    }
}
