/// Reductions along any set of axes (nil = all), with an optional keep-dims shape.
extension Tensor {
    func resolveAxes(_ axes: [Int]?, op: String) -> Set<Int> {
        guard let axes else { return Set(0..<rank) }
        return Set(axes.map { axis in checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: op) } })
    }

    func reducedShape(_ axes: Set<Int>, keepDims: Bool) -> [Int] {
        keepDims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
                 : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }

    /// Sum over `axes` (nil: every axis, giving a scalar; negative axes count from
    /// the end); `keepDims` keeps each reduced axis with size 1. Differentiable: the
    /// gradient is broadcast back over the reduced axes.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let set = resolveAxes(axes, op: "sum")
        let original = shape
        return reduce(self, axes: set, .sum).reshape(reducedShape(set, keepDims: keepDims)).detached()
            .recorded("sum", [self]) { g, _ in
                [g.reshape(original.enumerated().map { set.contains($0.offset) ? 1 : $0.element }).broadcast(to: original)]
            }
    }

    /// Sum along one axis; see `sum(axes:keepDims:)`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (nil: every axis, giving a scalar); `keepDims` keeps each
    /// reduced axis with size 1. Differentiable.
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let set = resolveAxes(axes, op: "mean")
        let n = set.reduce(1) { $0 * shape[$1] }
        return sum(axes: Array(set), keepDims: keepDims) / Float(Swift.max(n, 1))
    }

    /// Mean along one axis; see `mean(axes:keepDims:)`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Variance; `unbiased` divides by n − 1 as `torch.var` does by default.
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = true) -> Tensor {
        let set = resolveAxes(axes, op: "variance")
        let n = set.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(axes: Array(set), keepDims: true)
        return (centered * centered).sum(axes: Array(set), keepDims: keepDims) / Float(Swift.max(unbiased ? n - 1 : n, 1))
    }

    /// Largest value over `axes` (nil: every axis); `keepDims` keeps each reduced
    /// axis with size 1. Differentiable: tied maxima share the gradient evenly.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor { extremum(axes, keepDims, .max, "max") }
    /// Smallest value over `axes` (nil: every axis); `keepDims` keeps each reduced
    /// axis with size 1. Differentiable: tied minima share the gradient evenly.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor { extremum(axes, keepDims, .min, "min") }
    /// Largest value along one axis; see `max(axes:keepDims:)`.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }
    /// Smallest value along one axis; see `min(axes:keepDims:)`.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

    private func extremum(_ axes: [Int]?, _ keepDims: Bool, _ reducer: Reducer, _ op: String) -> Tensor {
        let set = resolveAxes(axes, op: op)
        let kept = reduce(self, axes: set, reducer)
        let input = self
        return kept.reshape(reducedShape(set, keepDims: keepDims)).detached().recorded(op, [self]) { g, _ in
            // Ties share the gradient evenly.
            let hits = input .== kept
            let share = hits / hits.sum(axes: Array(set), keepDims: true)
            return [share * g.reshape(kept.shape)]
        }
    }

    /// Indices of the largest values along `axis` (as an Int array in the reduced shape's order).
    public func argmax(axis: Int) -> [Int] {
        argReduce(self, axis: checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "argmax") }, largest: true)
    }

    /// Indices of the smallest values along `axis`.
    public func argmin(axis: Int) -> [Int] {
        argReduce(self, axis: checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "argmin") }, largest: false)
    }

    /// log Σ exp, computed stably by shifting by the maximum.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let set = resolveAxes(axes, op: "logSumExp")
        let shift = withoutGrad { max(axes: Array(set), keepDims: true).map { $0.isFinite ? $0 : 0 } }
        let result = log(exp(self - shift).sum(axes: Array(set), keepDims: true)) + shift
        return keepDims ? result : result.reshape(reducedShape(set, keepDims: false))
    }

    /// L1 (p = 1) or L2 (p = 2) norm.
    public func norm(_ p: Int = 2, axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        require(p == 1 || p == 2, "norm: only p = 1 and p = 2 are supported, got \(p)")
        return p == 1 ? abs(self).sum(axes: axes, keepDims: keepDims) : sqrt((self * self).sum(axes: axes, keepDims: keepDims))
    }
}
