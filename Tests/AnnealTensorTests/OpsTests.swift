@testable import AnnealTensor
import AnnealTestSupport
import Foundation
import Testing

/// Forward results against naive reference loops written here.
@Suite struct OpsTests {
    @Test func broadcastingBinaryMatchesNaive() {
        let cases: [([Int], [Int])] = [([2, 3, 4], [4]), ([2, 1, 4], [3, 1]), ([5], [2, 5]), ([3, 4], [3, 4]), ([1], [2, 3]), ([], [2, 2])]
        for (sa, sb) in cases {
            let a = randomTensor(sa, seed: 1), b = randomTensor(sb, seed: 2, awayFromZero: 0.5)
            let shape = try! Shape.broadcast(sa, sb, op: "test")
            let ra = sa.count, rb = sb.count
            func at(_ t: Tensor, _ s: [Int], _ r: Int, _ idx: [Int]) -> Float {
                let own = Array(idx.suffix(r)).enumerated().map { s[$0.offset] == 1 ? 0 : $0.element }
                return t.scalars[flat(own, s)]
            }
            let naive = indices(shape).map { (at(a, sa, ra, $0), at(b, sb, rb, $0)) }
            expectClose((a + b).scalars, naive.map { $0 + $1 })
            expectClose((a - b).scalars, naive.map { $0 - $1 })
            expectClose((a * b).scalars, naive.map { $0 * $1 })
            expectClose((a / b).scalars, naive.map { $0 / $1 })
            expectClose(maximum(a, b).scalars, naive.map { max($0, $1) })
            expectClose((a .> b).scalars, naive.map { $0 > $1 ? 1 : 0 })
            #expect((a + b).shape == shape)
        }
    }

    @Test func unaryMath() {
        let x = randomTensor([100], seed: 3, low: 0.1, high: 3)
        let v = x.scalars
        expectClose(exp(x).scalars, v.map { expf($0) })
        expectClose(log(x).scalars, v.map { logf($0) })
        expectClose(sqrt(x).scalars, v.map { $0.squareRoot() })
        expectClose(rsqrt(x).scalars, v.map { 1 / $0.squareRoot() })
        expectClose(pow(x, 3).scalars, v.map { $0 * $0 * $0 }, tolerance: 1e-5)
        expectClose(pow(x, Tensor(0.5)).scalars, v.map { $0.squareRoot() })
        let y = randomTensor([50], seed: 4, low: -2, high: 2)
        expectClose(abs(y).scalars, y.scalars.map { abs($0) })
        expectClose(sign(y).scalars, y.scalars.map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) })
        expectClose(clamp(y, min: -0.5, max: 1).scalars, y.scalars.map { min(max($0, -0.5), 1) })
        expectClose((-y).scalars, y.scalars.map { -$0 })
    }

    @Test func activationsMatchFormulas() {
        let x = randomTensor([64], seed: 35, low: -4, high: 4)
        let v = x.scalars
        expectClose(relu(x).scalars, v.map { max($0, 0) })
        expectClose(leakyRelu(x).scalars, v.map { $0 > 0 ? $0 : 0.01 * $0 })
        expectClose(sigmoid(x).scalars, v.map { 1 / (1 + expf(-$0)) })
        expectClose(tanh(x).scalars, v.map { tanhf($0) })
        expectClose(elu(x).scalars, v.map { $0 > 0 ? $0 : expf($0) - 1 })
        expectClose(selu(x).scalars, v.map { 1.0507009 * ($0 > 0 ? $0 : 1.6732632 * (expf($0) - 1)) })
        expectClose(gelu(x).scalars, v.map { 0.5 * $0 * (1 + erff($0 / Float(2).squareRoot())) })
        expectClose(silu(x).scalars, v.map { $0 / (1 + expf(-$0)) })
        expectClose(softplus(x).scalars, v.map { logf(1 + expf($0)) }, tolerance: 1e-5)
        #expect(softplus(Tensor([100])).item() == 100)
    }

    @Test func whereSelects() {
        let mask = Tensor([1, 0, 1], shape: [3])
        let a = Tensor([[1, 2, 3], [4, 5, 6]])
        let b = Tensor([.infinity], shape: [1])
        #expect(`where`(mask, a, b).scalars == [1, .infinity, 3, 4, .infinity, 6])
    }

    @Test func reductionsMatchNaive() {
        let shape = [2, 3, 4, 5]
        let x = randomTensor(shape, seed: 5)
        let all = indices(shape)
        for axes in [[0], [1], [3], [0, 1], [1, 2], [0, 2], [1, 3], [0, 1, 2, 3], [2, 3], [0, 3]] {
            let keptShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
            var sums = [Float](repeating: 0, count: Shape.count(keptShape))
            var maxes = [Float](repeating: -.infinity, count: sums.count)
            for idx in all {
                let o = flat(idx.enumerated().map { axes.contains($0.offset) ? 0 : $0.element }, keptShape)
                let v = x.scalars[flat(idx, shape)]
                sums[o] += v
                maxes[o] = max(maxes[o], v)
            }
            let s = x.sum(axes: axes, keepDims: true)
            #expect(s.shape == keptShape)
            expectClose(s.scalars, sums, tolerance: 1e-5, "sum \(axes)")
            expectClose(x.max(axes: axes, keepDims: true).scalars, maxes, "max \(axes)")
            expectClose(x.min(axes: axes).scalars, (-x).max(axes: axes).scalars.map { -$0 }, "min \(axes)")
            #expect(x.sum(axes: axes).shape == shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
            let n = Float(axes.reduce(1) { $0 * shape[$1] })
            expectClose(x.mean(axes: axes).scalars, sums.map { $0 / n }, "mean \(axes)")
        }
        let long = randomTensor([3, 1000], seed: 6)
        expectClose(long.sum(axis: 1).scalars, (0..<3).map { r in long.scalars[(r * 1000)..<(r * 1000 + 1000)].reduce(0, +) }, tolerance: 1e-4)
        #expect(x.sum().shape == [])
    }

    @Test func statisticsAndNorms() {
        let x = Tensor([[1, 2, 3, 4], [2, 2, 2, 2]])
        expectClose(x.variance(axes: [1]).scalars, [5.0 / 3.0, 0])
        expectClose(x.variance(axes: [1], unbiased: false).scalars, [1.25, 0])
        expectClose(x.norm(1, axes: [1]).scalars, [10, 8])
        expectClose(x.norm(2, axes: [1]).scalars, [Float(30).squareRoot(), 4])
        let big = Tensor([[1000, 1000], [-1000, 0]])
        expectClose(big.logSumExp(axes: [1]).scalars, [1000 + logf(2), 0])
        #expect(x.argmax(axis: 1) == [3, 0])
        #expect(Tensor([[3, 1], [0, 5], [2, 2]]).argmin(axis: 0) == [1, 0])
    }

    @Test func softmaxMatchesNaive() {
        let x = randomTensor([3, 4, 5], seed: 8, low: -5, high: 5)
        for axis in [0, 1, 2] {
            let s = x.softmax(axis: axis), l = x.logSoftmax(axis: axis)
            var expected = [Float](repeating: 0, count: x.count)
            let shape = x.shape
            for idx in indices(shape) {
                var total: Float = 0
                for j in 0..<shape[axis] {
                    var other = idx
                    other[axis] = j
                    total += expf(x.scalars[flat(other, shape)])
                }
                expected[flat(idx, shape)] = expf(x.scalars[flat(idx, shape)]) / total
            }
            expectClose(s.scalars, expected, tolerance: 1e-5)
            expectClose(l.scalars, expected.map { logf($0) }, tolerance: 1e-4)
        }
        // Large logits stay finite.
        let stable = Tensor([[1000, 0]]).logSoftmax().scalars
        #expect(stable.allSatisfy { $0.isFinite })
    }

    @Test func matmulMatchesNaive() {
        func naive(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
            (0..<(m * n)).map { idx in (0..<k).reduce(0) { $0 + a[idx / n * k + $1] * b[$1 * n + idx % n] } }
        }
        let (m, n, k) = (5, 7, 3)
        let a = randomTensor([m, k], seed: 10), b = randomTensor([k, n], seed: 11)
        let expected = naive(a.scalars, b.scalars, m: m, n: n, k: k)
        expectClose(a.matmul(b).scalars, expected)
        expectClose(a.T.matmul(b, transposeA: true).scalars, expected)
        expectClose(a.matmul(b.T, transposeB: true).scalars, expected)
        expectClose(a.T.matmul(b.T, transposeA: true, transposeB: true).scalars, expected)
        // Batched with broadcasting of the batch axes, and the folded [B, M, K]·[K, N] case.
        let batchA = randomTensor([2, 1, m, k], seed: 12), batchB = randomTensor([3, k, n], seed: 13)
        let c = batchA.matmul(batchB)
        #expect(c.shape == [2, 3, m, n])
        for i in 0..<2 {
            for j in 0..<3 {
                let ai = Array(batchA.scalars[(i * m * k)..<((i + 1) * m * k)])
                let bj = Array(batchB.scalars[(j * k * n)..<((j + 1) * k * n)])
                let start = (i * 3 + j) * m * n
                expectClose(Array(c.scalars[start..<(start + m * n)]), naive(ai, bj, m: m, n: n, k: k))
            }
        }
        let folded = batchA.reshape([2, m, k]).matmul(b)
        expectClose(Array(folded.scalars[(m * n)...]), naive(Array(batchA.scalars[(m * k)...]), b.scalars, m: m, n: n, k: k))
        expectClose(Tensor.outer(Tensor([1, 2]), Tensor([3, 4, 5])).scalars, [3, 4, 5, 6, 8, 10])
        let w = randomTensor([n, k], seed: 16), bias = randomTensor([n], seed: 17)
        let fused = Tensor.linear(a, weight: w, bias: bias)
        let reference = naive(a.scalars, w.T.scalars, m: m, n: n, k: k)
        expectClose(fused.scalars, (0..<(m * n)).map { reference[$0] + bias.scalars[$0 % n] })
    }

    @Test func largeMatmulUsesThreadsCorrectly() {
        let a = randomTensor([130, 257], seed: 14), b = randomTensor([257, 65], seed: 15)
        let c = a.matmul(b)
        let av = a.scalars, bv = b.scalars
        for (i, j) in [(0, 0), (129, 64), (77, 31)] {
            let dot = (0..<257).reduce(Float(0)) { $0 + av[i * 257 + $1] * bv[$1 * 65 + j] }
            #expect(abs(c[i, j] - dot) < 1e-3)
        }
    }

    /// Inside `withPackedWeights` linear layers read their weights in the GEMM's packed
    /// layout: the same values as outside and as a naive product, for every batch
    /// size (a new kernel, same packed copy), each weight packed from its own values,
    /// with and without bias and ReLU, and the gradients of the plain path.
    @Test func packedWeightsMatchPlainAndNaive() {
        let (n, k) = (70, 300)
        let w = randomTensor([n, k], seed: 40), w2 = randomTensor([n, k], seed: 41), bias = randomTensor([n], seed: 42)
        func naive(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, relu: Bool) -> [Float] {
            let (xv, wv, m) = (x.scalars, w.scalars, x.shape[0])
            return (0..<(m * n)).map { idx in
                let sum = (0..<k).reduce(Float(0)) { $0 + xv[idx / n * k + $1] * wv[idx % n * k + $1] } + (bias?.scalars[idx % n] ?? 0)
                return relu ? max(sum, 0) : sum
            }
        }
        let batches = [randomTensor([128, k], seed: 43), randomTensor([17, k], seed: 44)]
        let plain = batches.map { Tensor.linearReLU($0, weight: w, bias: bias).scalars }
        withPackedWeights {
            for (x, expected) in zip(batches, plain) {
                expectClose(Tensor.linearReLU(x, weight: w, bias: bias).scalars, expected)
                expectClose(Tensor.linearReLU(x, weight: w, bias: bias).scalars, naive(x, w, bias, relu: true), tolerance: 1e-3)
                expectClose(Tensor.linearReLU(x, weight: w2, bias: bias).scalars, naive(x, w2, bias, relu: true), tolerance: 1e-3)
                expectClose(Tensor.linear(x, weight: w, bias: nil).scalars, naive(x, w, nil, relu: false), tolerance: 1e-3)
            }
        }
        let x = batches[1].requiringGrad(), wl = w.requiringGrad()
        withPackedWeights { Tensor.linear(x, weight: wl, bias: nil).sum().backward() }
        expectClose(wl.grad!.scalars, (0..<(n * k)).map { i in (0..<17).reduce(Float(0)) { $0 + batches[1].scalars[$1 * k + i % k] } }, tolerance: 1e-3)
    }

    @Test func shapeOpsMatchNaive() {
        let x = randomTensor([2, 3, 4], seed: 16)
        let v = x.scalars
        let p = x.permute([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        for idx in indices([4, 2, 3]) { #expect(p.scalars[flat(idx, [4, 2, 3])] == v[flat([idx[1], idx[2], idx[0]], [2, 3, 4])]) }
        #expect(x.transpose(0, 2).shape == [4, 3, 2])
        let s = x.slice(axis: 2, start: 1, end: 4, step: 2)
        #expect(s.shape == [2, 3, 2])
        for idx in indices([2, 3, 2]) { #expect(s.scalars[flat(idx, [2, 3, 2])] == v[flat([idx[0], idx[1], 1 + 2 * idx[2]], [2, 3, 4])]) }
        let r = x.reshape([6, -1])
        #expect(r.shape == [6, 4] && r.sharesStorage(with: x))
        #expect(x.flatten(from: 1).shape == [2, 12])
        #expect(x.flatten().shape == [24])
        #expect(x.unsqueeze(axis: 1).shape == [2, 1, 3, 4])
        #expect(x.unsqueeze(axis: -1).shape == [2, 3, 4, 1])
        #expect(x.unsqueeze(axis: 0).squeeze(axis: 0).shape == [2, 3, 4])
        #expect(Tensor.zeros([1, 3, 1]).squeeze().shape == [3])
        let c = Tensor.concat([x, x.slice(axis: 1, 0..<1)], axis: 1)
        #expect(c.shape == [2, 4, 4])
        #expect(c.slice(axis: 1, 0..<3) == x)
        #expect(c.slice(axis: 1, 3..<4) == x.slice(axis: 1, 0..<1))
        let st = Tensor.stack([x, x * 2], axis: 1)
        #expect(st.shape == [2, 2, 3, 4])
        #expect(st.slice(axis: 1, 1..<2).squeeze(axis: 1) == x * 2)
        let parts = x.split(sizes: [1, 3], axis: 2)
        #expect(parts.map(\.shape) == [[2, 3, 1], [2, 3, 3]])
        #expect(Tensor.concat(parts, axis: 2) == x)
        #expect(x.split(parts: 3, axis: 1).count == 3)
        let padded = Tensor([[1, 2], [3, 4]]).pad([(1, 0), (0, 2)], value: -1)
        #expect(padded.scalars == [-1, -1, -1, -1, 1, 2, -1, -1, 3, 4, -1, -1])
        let sel = x.indexSelect(axis: 1, indices: [2, 0, 2])
        #expect(sel.shape == [2, 3, 4])
        #expect(sel.slice(axis: 1, 0..<1) == x.slice(axis: 1, 2..<3))
        let g = Tensor([[1, 2, 3], [4, 5, 6]]).gather(axis: 1, indices: [2, 0], indexShape: [2, 1])
        #expect(g.scalars == [3, 4])
        #expect(Tensor.oneHot([2, 0], classes: 3).scalars == [0, 0, 1, 1, 0, 0])
        #expect(Tensor([[1, 2], [3, 4]]).broadcast(to: [2, 2, 2]).scalars == [1, 2, 3, 4, 1, 2, 3, 4])
    }

    @Test func shapeErrorsNameOpAndShapes() {
        #expect(throws: ShapeError("add: shapes [2, 3] and [4] are not broadcastable (axis 1: 3 vs 4)")) {
            try Shape.broadcast([2, 3], [4], op: "add")
        }
        #expect(throws: ShapeError("sum: axis 3 is out of range for a tensor of rank 2")) {
            try Shape.axis(3, rank: 2, op: "sum")
        }
    }

    @Test func symmetricEigen() throws {
        let a = Tensor([[4, 1, 0], [1, 3, 1], [0, 1, 2]])
        let (values, vectors) = try SymmetricEigen.decompose(a)
        #expect(values.scalars == values.scalars.sorted())
        for j in 0..<3 {
            let v = vectors.slice(axis: 1, j..<(j + 1))
            expectClose(a.matmul(v).scalars, (v * values[j]).scalars, tolerance: 1e-4)
        }
        expectClose(vectors.matmul(vectors, transposeA: true).scalars, Tensor.identity(3).scalars, tolerance: 1e-5)
    }
}
