@testable import AnnealTensor
import AnnealTestSupport
import Testing

/// Every differentiable op against central finite differences.
@Suite struct GradientTests {
    let a = randomTensor([2, 3], seed: 21)
    let b = randomTensor([2, 3], seed: 22)
    let row = randomTensor([3], seed: 23)
    let positive = randomTensor([2, 3], seed: 24, low: 0.5, high: 2)
    let apart = randomTensor([2, 3], seed: 25, awayFromZero: 0.2)

    @Test func arithmeticWithBroadcasting() {
        checkGradients([a, row]) { $0[0] + $0[1] }
        checkGradients([a, row]) { $0[0] - $0[1] }
        checkGradients([a, row]) { $0[0] * $0[1] }
        checkGradients([a, positive]) { $0[0] / $0[1] }
        checkGradients([row, positive]) { $0[0] / $0[1] }
        checkGradients([a.reshape([2, 1, 3]), b.reshape([1, 2, 3])]) { $0[0] * $0[1] }
        checkGradients([a]) { -$0[0] }
        checkGradients([a]) { 2 * $0[0] + 1 }
        checkGradients([a]) { 1 / ($0[0] + 3) }
    }

    @Test func elementwiseMath() {
        checkGradients([positive, a]) { pow($0[0], $0[1]) }
        checkGradients([a]) { pow($0[0], 3) }
        checkGradients([a]) { exp($0[0]) }
        checkGradients([positive]) { log($0[0]) }
        checkGradients([positive]) { sqrt($0[0]) }
        checkGradients([positive]) { rsqrt($0[0]) }
        checkGradients([apart]) { abs($0[0]) }
        checkGradients([apart]) { sign($0[0]) + $0[0] }
        checkGradients([apart]) { clamp($0[0], min: -0.5, max: 0.6) }
        checkGradients([apart, b.map { $0 * 0.3 }]) { maximum($0[0], $0[1]) }
        checkGradients([apart, row.map { $0 * 0.3 }]) { minimum($0[0], $0[1]) }
        checkGradients([a, b]) { `where`(a .> 0, $0[0], $0[1]) }
    }

    @Test func reductions() {
        let x = randomTensor([2, 3, 4], seed: 26)
        for axes in [[0], [1], [2], [0, 2], [0, 1, 2]] {
            checkGradients([x]) { $0[0].sum(axes: axes) }
            checkGradients([x]) { $0[0].mean(axes: axes, keepDims: true) }
            checkGradients([x]) { $0[0].variance(axes: axes) }
            checkGradients([x]) { $0[0].max(axes: axes) }
            checkGradients([x]) { $0[0].min(axes: axes, keepDims: true) }
            checkGradients([x]) { $0[0].logSumExp(axes: axes) }
            checkGradients([x.map { $0 >= 0 ? $0 + 0.1 : $0 - 0.1 }]) { $0[0].norm(1, axes: axes) }
            checkGradients([x]) { $0[0].norm(2, axes: axes) }
        }
    }

    @Test func linearAlgebra() {
        let m = randomTensor([3, 4], seed: 27), n = randomTensor([4, 2], seed: 28)
        checkGradients([m, n]) { $0[0].matmul($0[1]) }
        checkGradients([m.T, n]) { $0[0].matmul($0[1], transposeA: true) }
        checkGradients([m, n.T]) { $0[0].matmul($0[1], transposeB: true) }
        checkGradients([m.T, n.T]) { $0[0].matmul($0[1], transposeA: true, transposeB: true) }
        let batch = randomTensor([2, 3, 4], seed: 29), batch2 = randomTensor([2, 4, 2], seed: 30)
        checkGradients([batch, n]) { $0[0].matmul($0[1]) }
        checkGradients([batch, n.T]) { $0[0].matmul($0[1], transposeB: true) }
        checkGradients([batch, batch2]) { $0[0].matmul($0[1]) }
        checkGradients([m, batch2]) { $0[0].matmul($0[1]) }
        checkGradients([batch.transpose(), batch2]) { $0[0].matmul($0[1], transposeA: true) }
        checkGradients([row, randomTensor([4], seed: 31)]) { Tensor.outer($0[0], $0[1]) }
        checkGradients([batch, randomTensor([5, 4], seed: 32), randomTensor([5], seed: 33)]) {
            Tensor.linear($0[0], weight: $0[1], bias: $0[2])
        }
    }

    /// The fused GEMM + ReLU post-op gives relu(linear(…))'s values and gradients exactly.
    @Test func linearReLUIsReLUOfLinear() {
        let x = randomTensor([6, 4], seed: 34), w = randomTensor([5, 4], seed: 35), bias = randomTensor([5], seed: 36)
        let up = randomTensor([6, 5], seed: 37)
        func run(_ f: (Tensor, Tensor, Tensor) -> Tensor) -> [[Float]] {
            let (xl, wl, bl) = (x.requiringGrad(), w.requiringGrad(), bias.requiringGrad())
            let y = f(xl, wl, bl)
            y.backward(up)
            return [y.scalars, xl.grad!.scalars, wl.grad!.scalars, bl.grad!.scalars]
        }
        let fused = run { Tensor.linearReLU($0, weight: $1, bias: $2) }
        #expect(fused == run { relu(Tensor.linear($0, weight: $1, bias: $2)) })
        #expect(fused[0].contains(0) && fused[0].contains { $0 > 0 })
    }

    @Test func softmaxFamily() {
        let x = randomTensor([3, 4], seed: 32, low: -3, high: 3)
        for axis in [0, 1] {
            checkGradients([x]) { $0[0].softmax(axis: axis) }
            checkGradients([x]) { $0[0].logSoftmax(axis: axis) }
        }
    }

    @Test func activations() {
        let x = randomTensor([3, 4], seed: 34, low: -3, high: 3, awayFromZero: 0.05)
        checkGradients([x]) { relu($0[0]) }
        checkGradients([x]) { leakyRelu($0[0], slope: 0.1) }
        checkGradients([x]) { sigmoid($0[0]) }
        checkGradients([x]) { tanh($0[0]) }
        checkGradients([x]) { elu($0[0], alpha: 0.7) }
        checkGradients([x]) { selu($0[0]) }
        checkGradients([x]) { gelu($0[0]) }
        checkGradients([x]) { silu($0[0]) }
        checkGradients([x]) { softplus($0[0]) }
    }

    @Test func shapeOps() {
        let x = randomTensor([2, 3, 4], seed: 33)
        checkGradients([x]) { $0[0].reshape([4, 6]) }
        checkGradients([x]) { $0[0].flatten(from: 1) }
        checkGradients([x]) { $0[0].unsqueeze(axis: 1).squeeze(axis: 1) }
        checkGradients([x]) { $0[0].permute([2, 0, 1]) }
        checkGradients([x]) { $0[0].transpose(0, 1) }
        checkGradients([x]) { $0[0].slice(axis: 2, start: 1, end: 4, step: 2) }
        checkGradients([x, x.slice(axis: 1, 0..<2)]) { Tensor.concat([$0[0], $0[1]], axis: 1) }
        checkGradients([a, b]) { Tensor.stack([$0[0], $0[1]], axis: 2) }
        checkGradients([x]) { $0[0].split(sizes: [1, 3], axis: 2)[1] }
        checkGradients([x]) { $0[0].pad([(0, 1), (2, 0), (1, 1)], value: 3) }
        checkGradients([x]) { $0[0].indexSelect(axis: 1, indices: [2, 0, 2, 2]) }
        checkGradients([a]) { $0[0].gather(axis: 1, indices: [2, 2, 0, 1], indexShape: [2, 2]) }
        checkGradients([row]) { $0[0].broadcast(to: [2, 3]) }
    }
}
