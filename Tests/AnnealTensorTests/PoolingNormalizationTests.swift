@testable import AnnealTensor
import AnnealTestSupport
import Testing

/// Distinct, well-separated values so finite differences never flip a max.
func separatedTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var g = RandomGenerator(seed: seed)
    let n = Shape.count(shape)
    return Tensor(g.permutation(n).map { Float($0) * 0.1 - Float(n) * 0.05 }, shape: shape)
}

@Suite struct PoolingTests {
    func naivePool(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), max: Bool, includePad: Bool) -> [Float] {
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let oh = (h + 2 * padding.0 - kernel.0) / stride.0 + 1, ow = (w + 2 * padding.1 - kernel.1) / stride.1 + 1
        var out: [Float] = []
        for plane in 0..<(n * c) { for i in 0..<oh { for j in 0..<ow {
            var best = -Float.infinity, sum: Float = 0, count = 0
            for p in 0..<kernel.0 { for q in 0..<kernel.1 {
                let y = i * stride.0 - padding.0 + p, z = j * stride.1 - padding.1 + q
                guard y >= 0 && y < h && z >= 0 && z < w else { continue }
                let v = x.scalars[(plane * h + y) * w + z]
                best = Swift.max(best, v); sum += v; count += 1
            } }
            out.append(max ? best : sum / Float(includePad ? kernel.0 * kernel.1 : count))
        } } }
        return out
    }

    @Test func maxAndAveragePoolingMatchNaive() {
        let x = randomTensor([2, 3, 7, 6], seed: 1)
        for (k, s, p) in [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1)), ((3, 2), (1, 2), (1, 0))] {
            expectClose(x.maxPool2d(kernel: k, stride: s, padding: p).scalars, naivePool(x, kernel: k, stride: s, padding: p, max: true, includePad: true))
            expectClose(x.avgPool2d(kernel: k, stride: s, padding: p).scalars, naivePool(x, kernel: k, stride: s, padding: p, max: false, includePad: true))
            expectClose(x.avgPool2d(kernel: k, stride: s, padding: p, countIncludePad: false).scalars,
                        naivePool(x, kernel: k, stride: s, padding: p, max: false, includePad: false))
        }
        #expect(x.maxPool2d(kernel: (2, 2)).shape == [2, 3, 3, 3])
        // A pass that records the graph runs the training kernel (with the argmax workspace).
        let tracked = x.requiringGrad()
        for (k, s, p) in [((2, 2), (2, 2), (0, 0)), ((3, 3), (2, 2), (1, 1))] {
            expectClose(tracked.maxPool2d(kernel: k, stride: s, padding: p).scalars, naivePool(x, kernel: k, stride: s, padding: p, max: true, includePad: true))
        }
    }

    @Test func poolingGradients() {
        let x = separatedTensor([2, 2, 6, 5], seed: 2)
        checkGradients([x]) { $0[0].maxPool2d(kernel: (2, 2)) }
        checkGradients([x]) { $0[0].maxPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }
        checkGradients([x]) { $0[0].avgPool2d(kernel: (2, 2), stride: (1, 1)) }
        checkGradients([x]) { $0[0].avgPool2d(kernel: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false) }
        checkGradients([x]) { $0[0].adaptiveAvgPool2d((3, 2)) }
        checkGradients([x]) { $0[0].adaptiveAvgPool2d((1, 1)) }
    }

    @Test func adaptiveAveragePoolingWindows() {
        let x = Tensor((0..<25).map(Float.init), shape: [1, 1, 5, 5])
        let y = x.adaptiveAvgPool2d((2, 2))
        // Rows [0,3) and [2,5); columns likewise.
        let expected: [Float] = [6, 7.5, 13.5, 15].map { $0 }
        expectClose(y.scalars, [(0 + 1 + 2 + 5 + 6 + 7 + 10 + 11 + 12) / 9, (2 + 3 + 4 + 7 + 8 + 9 + 12 + 13 + 14) / 9,
                                (10 + 11 + 12 + 15 + 16 + 17 + 20 + 21 + 22) / 9, (12 + 13 + 14 + 17 + 18 + 19 + 22 + 23 + 24) / 9])
        _ = expected
        expectClose(x.adaptiveAvgPool2d((1, 1)).scalars, [12])
    }
}

@Suite struct BatchNormTests {
    @Test func trainingNormalizesWithBatchStatistics() {
        let x = randomTensor([4, 3, 5, 5], seed: 3, low: -2, high: 5)
        let scale = Tensor([1, 2, 0.5]), shift = Tensor([0, -1, 3])
        let (y, mean, variance) = Tensor.batchNorm(x, scale: scale, shift: shift, epsilon: 1e-5)
        let m = x.mean(axes: [0, 2, 3]), v = x.variance(axes: [0, 2, 3], unbiased: false)
        expectClose(mean.scalars, m.scalars, tolerance: 1e-5)
        expectClose(variance.scalars, v.scalars, tolerance: 1e-4)
        let expected = (x - m.reshape([1, 3, 1, 1])) / sqrt(v.reshape([1, 3, 1, 1]) + 1e-5) * scale.reshape([1, 3, 1, 1]) + shift.reshape([1, 3, 1, 1])
        expectClose(y.scalars, expected.scalars, tolerance: 1e-4)
        // Eval form with the same statistics gives the same output.
        expectClose(Tensor.batchNorm(x, scale: scale, shift: shift, mean: mean, variance: variance).scalars, y.scalars, tolerance: 1e-4)
        // 2-D and 3-D inputs.
        let flat = randomTensor([6, 4], seed: 4)
        let (y2, _, _) = Tensor.batchNorm(flat, scale: .ones([4]), shift: .zeros([4]))
        expectClose(y2.mean(axes: [0]).scalars, [0, 0, 0, 0], tolerance: 1e-5)
        let (y3, _, _) = Tensor.batchNorm(randomTensor([3, 2, 5], seed: 5), scale: .ones([2]), shift: .zeros([2]))
        #expect(y3.shape == [3, 2, 5])
    }

    @Test func gradients() {
        let x = randomTensor([3, 2, 3, 3], seed: 6)
        checkGradients([x, Tensor([1.5, 0.7]), Tensor([0.1, -0.2])], tolerance: 2e-2) {
            Tensor.batchNorm($0[0], scale: $0[1], shift: $0[2]).output
        }
        checkGradients([randomTensor([5, 3], seed: 7), Tensor([1, 2, 3]), Tensor([0, 0, 1])], tolerance: 2e-2) {
            Tensor.batchNorm($0[0], scale: $0[1], shift: $0[2]).output
        }
        checkGradients([x, Tensor([1.5, 0.7]), Tensor([0.1, -0.2]), Tensor([0.3, -0.1]), Tensor([1.2, 0.8])]) {
            Tensor.batchNorm($0[0], scale: $0[1], shift: $0[2], mean: $0[3], variance: $0[4])
        }
        checkGradients([randomTensor([2, 3, 4], seed: 8)]) { $0[0].layerNorm(normalizedAxes: 2) }
    }
}

/// relu(batchNorm(x)) in one oneDNN pass (`dnnl_fuse_norm_relu`), on plain [N, C]
/// and [N, C, H, W] data and on a convolution's blocked output: the same values,
/// statistics and gradients as the two ops composed.
@Suite struct FusedBatchNormReLUTests {
    static let inputs = ["plain 4-D", "plain 2-D", "blocked"]

    static func input(_ index: Int) -> Tensor {
        switch index {
        case 0: randomTensor([4, 3, 5, 5], seed: 21)
        case 1: randomTensor([8, 5], seed: 22)
        default: Tensor.conv2d(randomTensor([3, 2, 6, 6], seed: 23), weight: randomTensor([16, 2, 3, 3], seed: 24), padding: (1, 1))
        }
    }

    @Test(arguments: 0..<inputs.count) func trainingMatchesTheComposedOps(_ index: Int) {
        let x = Self.input(index)
        let channels = x.shape[1]
        let scale = randomTensor([channels], seed: 25, low: 0.5, high: 2), shift = randomTensor([channels], seed: 26, low: -0.5, high: 0.5)
        let upstream = randomTensor(x.shape, seed: 27)
        var results: [[Float]] = []
        for fused in [true, false] {
            let (xl, sl, bl) = (x.detached().requiringGrad(), scale.requiringGrad(), shift.requiringGrad())
            let r = fused ? Tensor.batchNormReLU(xl, scale: sl, shift: bl) : Tensor.batchNorm(xl, scale: sl, shift: bl)
            let y = fused ? r.output : relu(r.output)
            (y * upstream).sum().backward()
            results.append(y.scalars + r.mean.scalars + r.variance.scalars + xl.grad!.scalars + sl.grad!.scalars + bl.grad!.scalars)
        }
        expectClose(results[0], results[1], tolerance: 1e-5, "\(Self.inputs[index])")
    }

    @Test(arguments: 0..<inputs.count) func evaluationMatchesTheComposedOps(_ index: Int) {
        let x = Self.input(index)
        let channels = x.shape[1]
        let scale = randomTensor([channels], seed: 28, low: 0.5, high: 2), shift = randomTensor([channels], seed: 29)
        let mean = randomTensor([channels], seed: 30), variance = randomTensor([channels], seed: 31, low: 0.5, high: 2)
        let fused = Tensor.batchNorm(x, scale: scale, shift: shift, mean: mean, variance: variance, relu: true)
        let composed = relu(Tensor.batchNorm(x, scale: scale, shift: shift, mean: mean, variance: variance))
        expectClose(fused.scalars, composed.scalars, tolerance: 1e-6, "\(Self.inputs[index])")
    }
}

/// conv → batch norm → ReLU → max pool → conv with 16 channels keeps oneDNN's
/// blocked layout between primitives; results must equal the all-plain path.
@Suite struct BlockedLayoutTests {
    func chain(_ x: Tensor, _ w1: Tensor, _ w2: Tensor, plainBetween: Bool) -> Tensor {
        // reshape keeps the graph but reads plain storage, forcing the plain layout.
        func step(_ t: Tensor) -> Tensor { plainBetween ? t.reshape(t.shape) : t }
        let c = step(Tensor.conv2d(x, weight: w1, padding: (1, 1)))
        let n = step(Tensor.batchNorm(c, scale: .ones([16]), shift: Tensor.full(0.1, shape: [16])).output)
        let r = step(relu(n))
        let p = step(r.maxPool2d(kernel: (2, 2)))
        return Tensor.conv2d(p, weight: w2, padding: (1, 1)) + p
    }

    @Test func blockedPathMatchesPlainPath() {
        let x = randomTensor([4, 3, 8, 8], seed: 1), w1 = randomTensor([16, 3, 3, 3], seed: 2), w2 = randomTensor([16, 16, 3, 3], seed: 3)
        let blocked = Tensor.conv2d(x, weight: w1, padding: (1, 1))
        if case .kernelOrdered = blocked.representation {} else { Issue.record("expected a blocked conv output with 16 channels") }
        expectClose(chain(x, w1, w2, plainBetween: false).scalars, chain(x, w1, w2, plainBetween: true).scalars, tolerance: 1e-4)
    }

    @Test func blockedPathGradientsMatchPlainPath() {
        let x = randomTensor([2, 2, 6, 6], seed: 4), w1 = randomTensor([16, 2, 3, 3], seed: 5)
        let w2 = randomTensor([16, 16, 3, 3], seed: 6)
        var grads: [[Float]] = []
        for plain in [false, true] {
            let (xl, wl) = (x.requiringGrad(), w1.requiringGrad())
            (chain(xl, wl, w2, plainBetween: plain) * randomTensor([2, 16, 3, 3], seed: 7)).sum().backward()
            grads.append(xl.grad!.scalars + wl.grad!.scalars)
        }
        expectClose(grads[0], grads[1], tolerance: 1e-4)
    }

    /// A smooth blocked chain (no ReLU or max kinks) against finite differences.
    @Test func blockedSmoothChainGradients() {
        let x = randomTensor([2, 2, 4, 4], seed: 8), w1 = randomTensor([16, 2, 3, 3], seed: 9)
        let w2 = randomTensor([16, 16, 3, 3], seed: 10)
        checkGradients([x, w1], tolerance: 3e-2) {
            let c = Tensor.conv2d($0[0], weight: $0[1], padding: (1, 1))
            let n = Tensor.batchNorm(c, scale: .ones([16]), shift: .zeros([16])).output
            let p = tanh(n).avgPool2d(kernel: (2, 2))
            return Tensor.conv2d(p, weight: w2, padding: (1, 1)) * p
        }
    }
}

@Suite struct FractionalMaxPoolingTests {
    @Test func boundariesCoverTheInputWithMixedIncrements() {
        var g = RandomGenerator(seed: 1)
        for pseudo in [true, false] {
            for (n, out) in [(28, 19), (19, 13), (10, 7), (5, 4), (9, 3)] {
                let b = FractionalPooling.boundaries(input: n, output: out, pseudoRandom: pseudo, using: &g)
                #expect(b.count == out + 1 && b.first == 0 && b.last == n)
                let steps = zip(b, b.dropFirst()).map { $1 - $0 }
                let alpha = Double(n) / Double(out)
                #expect(steps.allSatisfy { Double($0) >= alpha.rounded(.down) - 1e-9 && Double($0) <= alpha.rounded(.up) + 1e-9 },
                        "\(pseudo) \(n)→\(out): \(steps)")
            }
        }
    }

    @Test func disjointRegionsCoverEveryInputOnceAndOverlappingAtLeastOnce() {
        let x = Tensor.zeros([1, 1, 9, 7])
        let rows = [0, 1, 3, 4, 6, 7, 9], columns = [0, 2, 3, 5, 7]
        for overlapping in [false, true] {
            let probe = x.requiringGrad()
            let y = probe.fractionalMaxPool2d(rows: rows, columns: columns, overlapping: overlapping)
            #expect(y.shape == [1, 1, 6, 4])
            // With all-equal inputs every region picks its first cell; count region memberships instead.
            var hits = [Int](repeating: 0, count: 63)
            for i in 0..<6 { for j in 0..<4 {
                for r in rows[i]..<min(rows[i + 1] + (overlapping ? 1 : 0), 9) {
                    for c in columns[j]..<min(columns[j + 1] + (overlapping ? 1 : 0), 7) { hits[r * 7 + c] += 1 }
                }
            } }
            #expect(overlapping ? hits.allSatisfy { $0 >= 1 } : hits.allSatisfy { $0 == 1 })
        }
    }

    @Test func forwardAndGradient() {
        let x = separatedTensor([2, 2, 7, 6], seed: 2)
        let rows = [0, 2, 3, 5, 7], columns = [0, 1, 3, 4, 6]
        let y = x.fractionalMaxPool2d(rows: rows, columns: columns, overlapping: false)
        for i in 0..<4 { for j in 0..<4 {
            var best = -Float.infinity
            for r in rows[i]..<rows[i + 1] { for c in columns[j]..<columns[j + 1] { best = max(best, x[0, 1, r, c]) } }
            #expect(y[0, 1, i, j] == best)
        } }
        checkGradients([x]) { $0[0].fractionalMaxPool2d(rows: rows, columns: columns, overlapping: true) }
    }
}
