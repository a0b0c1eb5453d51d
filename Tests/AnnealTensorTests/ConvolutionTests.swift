@testable import AnnealTensor
import AnnealTestSupport
import Testing

/// Direct-loop convolution: the independent reference for oneDNN's.
func naiveConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: (Int, Int), padding: (Int, Int),
                 dilation: (Int, Int), groups: Int) -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
    let oh = (h + 2 * padding.0 - dilation.0 * (kh - 1) - 1) / stride.0 + 1
    let ow = (wd + 2 * padding.1 - dilation.1 * (kw - 1) - 1) / stride.1 + 1
    let xs = x.scalars, ws = w.scalars, bs = b?.scalars
    var out = [Float](repeating: 0, count: n * o * oh * ow)
    let og = o / groups
    for b0 in 0..<n { for oc in 0..<o { for i in 0..<oh { for j in 0..<ow {
        var sum = bs?[oc] ?? 0
        let group = oc / og
        for ic in 0..<cg { for p in 0..<kh { for q in 0..<kw {
            let y = i * stride.0 - padding.0 + p * dilation.0, z = j * stride.1 - padding.1 + q * dilation.1
            if y < 0 || y >= h || z < 0 || z >= wd { continue }
            sum += xs[((b0 * c + group * cg + ic) * h + y) * wd + z] * ws[((oc * cg + ic) * kh + p) * kw + q]
        } } }
        out[((b0 * o + oc) * oh + i) * ow + j] = sum
    } } } }
    _ = c
    return Tensor(out, shape: [n, o, oh, ow])
}

@Suite struct ConvolutionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let input: [Int], out: Int, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int), groups: Int, bias: Bool
        var testDescription: String { "in \(input) out \(out) k \(kernel) s \(stride) p \(padding) d \(dilation) g \(groups) bias \(bias)" }
    }

    static let cases: [Case] = [
        Case(input: [2, 3, 7, 6], out: 4, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 1, bias: true),
        Case(input: [2, 3, 8, 8], out: 5, kernel: (3, 3), stride: (2, 2), padding: (1, 1), dilation: (1, 1), groups: 1, bias: false),
        Case(input: [1, 2, 9, 7], out: 3, kernel: (3, 2), stride: (1, 2), padding: (2, 0), dilation: (2, 1), groups: 1, bias: true),
        Case(input: [2, 4, 6, 6], out: 6, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 2, bias: true),
        Case(input: [2, 4, 5, 5], out: 4, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 4, bias: false),
        Case(input: [3, 4, 6, 6], out: 8, kernel: (1, 1), stride: (2, 2), padding: (0, 0), dilation: (1, 1), groups: 1, bias: false),
        Case(input: [2, 1, 28, 28], out: 32, kernel: (3, 3), stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 1, bias: true),
    ]

    @Test(arguments: cases) func forwardMatchesNaive(_ c: Case) {
        let x = randomTensor(c.input, seed: 1)
        let w = randomTensor([c.out, c.input[1] / c.groups, c.kernel.0, c.kernel.1], seed: 2)
        let b = c.bias ? randomTensor([c.out], seed: 3) : nil
        let y = Tensor.conv2d(x, weight: w, bias: b, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        let expected = naiveConv2d(x, w, b, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
        #expect(y.shape == expected.shape)
        expectClose(y.scalars, expected.scalars, tolerance: 1e-4)
    }

    @Test(arguments: cases.prefix(6)) func gradientsMatchFiniteDifferences(_ c: Case) {
        let x = randomTensor(c.input, seed: 4)
        let w = randomTensor([c.out, c.input[1] / c.groups, c.kernel.0, c.kernel.1], seed: 5)
        if c.bias {
            checkGradients([x, w, randomTensor([c.out], seed: 6)]) {
                Tensor.conv2d($0[0], weight: $0[1], bias: $0[2], stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            }
        } else {
            checkGradients([x, w]) {
                Tensor.conv2d($0[0], weight: $0[1], stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
            }
        }
    }
}

/// Winograd F(4×4, 3×3) (`ConvolutionAlgorithm`): the same convolution as the
/// direct kernel up to rounding, in all three passes.
@Suite struct WinogradConvolutionTests {
    static let geometries: [(input: [Int], out: Int, bias: Bool)] = [([2, 32, 9, 7], 32, true), ([3, 48, 6, 6], 64, false)]

    func kernels(_ input: [Int], _ out: Int, bias: Bool) -> (winograd: ConvolutionKernel, direct: ConvolutionKernel) {
        let g = Convolution2DGeometry(batch: input[0], inChannels: input[1], height: input[2], width: input[3], outChannels: out,
                                      kernelHeight: 3, kernelWidth: 3, strideH: 1, strideW: 1, padH: 1, padW: 1,
                                      dilationH: 1, dilationW: 1, groups: 1, hasBias: bias)
        return DNNL.lock.withLock { (ConvolutionKernel(g, algorithm: .winograd), ConvolutionKernel(g, algorithm: .direct)) }
    }

    @Test(arguments: 0..<geometries.count) func allThreePassesMatchTheDirectKernel(_ index: Int) {
        let (input, out, bias) = Self.geometries[index]
        let (winograd, direct) = kernels(input, out, bias: bias)
        // oneDNN 2.6 implements Winograd on avx512_core only; elsewhere the kernel falls back to direct.
        #expect(winograd.isWinograd == CPUFeatures.hasAVX512Core, "oneDNN implements Winograd for this geometry on AVX-512 alone")
        #expect(!direct.isWinograd)
        let x = randomTensor(input, seed: 11), w = randomTensor([out, input[1], 3, 3], seed: 12, low: -0.1, high: 0.1)
        let b = bias ? randomTensor([out], seed: 13) : nil
        let dy = randomTensor([input[0], out, input[2], input[3]], seed: 14)
        DNNL.lock.withLock {
            let y = winograd.runForward(input: x, weight: w, bias: b)
            expectClose(y.scalars, naiveConv2d(x, w, b, stride: (1, 1), padding: (1, 1), dilation: (1, 1), groups: 1).scalars, tolerance: 1e-5)
            expectClose(winograd.runBackwardData(outputGradient: dy, weight: w).scalars,
                        direct.runBackwardData(outputGradient: dy, weight: w).scalars, tolerance: 1e-5)
            let (dw, db) = winograd.runBackwardWeights(input: x, outputGradient: dy)
            let (dwDirect, dbDirect) = direct.runBackwardWeights(input: x, outputGradient: dy)
            expectClose(dw.scalars, dwDirect.scalars, tolerance: 1e-4)
            if bias { expectClose(db!.scalars, dbDirect!.scalars, tolerance: 1e-4) }
        }
    }

    @Test func autoKeepsTheDirectKernelOnNarrowLayersAndStrides() {
        func geometry(_ c: Int, _ o: Int, stride: Int) -> Convolution2DGeometry {
            Convolution2DGeometry(batch: 1, inChannels: c, height: 8, width: 8, outChannels: o, kernelHeight: 3, kernelWidth: 3,
                                  strideH: stride, strideW: stride, padH: 1, padW: 1, dilationH: 1, dilationW: 1, groups: 1, hasBias: false)
        }
        #expect(ConvolutionAlgorithm.auto.triesWinograd(geometry(32, 64, stride: 1)))
        #expect(!ConvolutionAlgorithm.auto.triesWinograd(geometry(16, 16, stride: 1)))
        #expect(!ConvolutionAlgorithm.auto.triesWinograd(geometry(64, 64, stride: 2)))
        #expect(ConvolutionAlgorithm.winograd.triesWinograd(geometry(16, 16, stride: 1)))
        #expect(!ConvolutionAlgorithm.direct.triesWinograd(geometry(64, 64, stride: 1)))
    }
}
