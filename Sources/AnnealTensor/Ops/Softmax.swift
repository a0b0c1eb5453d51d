import Foundation

/// Numerically stable softmax and log-softmax along one axis.
extension Tensor {
    /// exp(x) / Σ exp(x) along `axis` (default: the last), each line shifted by its
    /// maximum first; differentiable.
    public func softmax(axis: Int = -1) -> Tensor {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "softmax") }
        let y = softmaxKernel(self, axis: a, logarithm: false)
        return y.recorded("softmax", [self]) { g, _ in
            [y * (g - (g * y).sum(axes: [a], keepDims: true))]
        }
    }

    /// x − log Σ exp(x) along `axis` (default: the last), computed in one stable
    /// pass rather than as log(softmax(x)); differentiable.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "logSoftmax") }
        let y = softmaxKernel(self, axis: a, logarithm: true)
        return y.recorded("logSoftmax", [self]) { g, _ in
            [g - exp(y) * g.sum(axes: [a], keepDims: true)]
        }
    }
}

/// Shifts by the maximum, then exponentiates and normalizes each [outer, ·, inner] line.
private func softmaxKernel(_ x: Tensor, axis: Int, logarithm: Bool) -> Tensor {
    let (outer, length, inner) = x.around(axis)
    let result = Tensor(uninitialized: x.shape)
    let source = x.storage.pointer, target = result.storage.pointer
    Threads.parallelFor(outer * inner, grain: Swift.max(1, 8192 / Swift.max(length, 1))) { range in
        for line in range {
            let o = line / inner, i = line % inner
            let base = o * length * inner + i
            var peak = -Float.infinity
            for j in 0..<length { peak = Swift.max(peak, source[base + j * inner]) }
            if !peak.isFinite { peak = 0 }
            var total: Float = 0
            for j in 0..<length {
                let e = expf(source[base + j * inner] - peak)
                target[base + j * inner] = e
                total += e
            }
            if logarithm {
                let shift = peak + logf(total)
                for j in 0..<length { target[base + j * inner] = source[base + j * inner] - shift }
            } else {
                let scale = 1 / total
                for j in 0..<length { target[base + j * inner] *= scale }
            }
        }
    }
    return result
}
