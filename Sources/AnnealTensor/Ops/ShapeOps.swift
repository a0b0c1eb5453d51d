/// Reshaping, reordering, cutting and joining. Reshape shares storage; the
/// others copy through `stridedCopy`. All are differentiable.
extension Tensor {
    /// The same values in a new shape; one dimension may be -1 (inferred). No copy.
    public func reshape(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let inferred = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            require(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
            resolved[inferred] = count / known
        }
        require(resolved.allSatisfy { $0 >= 0 } && Shape.count(resolved) == count,
                "reshape: cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let oldShape = shape
        return Tensor(shape: resolved, storage: storage).recorded("reshape", [self]) { g, _ in [g.reshape(oldShape)] }
    }

    /// Collapses axes `start...end` into one (default: everything, giving 1-D).
    public func flatten(from start: Int = 0, to end: Int = -1) -> Tensor {
        if rank == 0 { return reshape([1]) }
        let s = checked { () throws(ShapeError) in try Shape.axis(start, rank: rank, op: "flatten") }
        let e = checked { () throws(ShapeError) in try Shape.axis(end, rank: rank, op: "flatten") }
        require(s <= e, "flatten: start axis \(start) after end axis \(end) for shape \(shape)")
        return reshape(Array(shape[..<s]) + [Shape.count(Array(shape[s...e]))] + Array(shape[(e + 1)...]))
    }

    /// Removes `axis` (which must have size 1), or every size-1 axis when nil.
    public func squeeze(axis: Int? = nil) -> Tensor {
        guard let axis else { return reshape(shape.filter { $0 != 1 }) }
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "squeeze") }
        require(shape[a] == 1, "squeeze: axis \(axis) of shape \(shape) has size \(shape[a]), not 1")
        var newShape = shape
        newShape.remove(at: a)
        return reshape(newShape)
    }

    /// Inserts a size-1 axis at `axis` (negative counts from the end of the result).
    public func unsqueeze(axis: Int) -> Tensor {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank + 1, op: "unsqueeze") }
        var newShape = shape
        newShape.insert(1, at: a)
        return reshape(newShape)
    }

    /// Reorders axes: result axis i is input axis `axes[i]`.
    public func permute(_ axes: [Int]) -> Tensor {
        let resolved = axes.map { axis in checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "permute") } }
        require(resolved.count == rank && Set(resolved).count == rank,
                "permute: \(axes) is not a permutation of the axes of shape \(shape)")
        if resolved == Array(0..<rank) { return self }
        let newShape = resolved.map { shape[$0] }
        let strides = Shape.strides(shape)
        let result = Tensor(uninitialized: newShape)
        stridedCopy(from: storage.pointer, strides: resolved.map { strides[$0] },
                    to: result.storage.pointer, targetStrides: Shape.strides(newShape), shape: newShape)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in resolved.enumerated() { inverse[a] = i }
        return result.recorded("permute", [self]) { g, _ in [g.permute(inverse)] }
    }

    /// Swaps two axes (default: the last two).
    public func transpose(_ axis0: Int = -2, _ axis1: Int = -1) -> Tensor {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis0, rank: rank, op: "transpose") }
        let b = checked { () throws(ShapeError) in try Shape.axis(axis1, rank: rank, op: "transpose") }
        var axes = Array(0..<rank)
        axes.swapAt(a, b)
        return permute(axes)
    }

    /// The transpose of a matrix.
    public var T: Tensor {
        require(rank == 2, "T: expects a matrix, got shape \(shape)")
        return transpose(0, 1)
    }

    /// Materializes this tensor broadcast to `target` (NumPy rules).
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let result = checked { () throws(ShapeError) -> [Int] in try Shape.broadcast(shape, target, op: "broadcast(to:)") }
        require(result == target, "broadcast(to:): shape \(shape) cannot broadcast to \(target)")
        let out = Tensor(uninitialized: target)
        stridedCopy(from: storage.pointer, strides: Shape.broadcastStrides(shape, to: target),
                    to: out.storage.pointer, targetStrides: Shape.strides(target), shape: target)
        let original = shape
        return out.recorded("broadcast", [self]) { g, _ in [g.sumToShape(original)] }
    }

    /// Elements start, start+step, … (< end) along `axis`.
    public func slice(axis: Int, start: Int, end: Int? = nil, step: Int = 1) -> Tensor {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "slice") }
        let stop = end ?? shape[a]
        require(step > 0 && start >= 0 && start <= stop && stop <= shape[a],
                "slice: range \(start)..<\(stop) step \(step) is invalid for axis \(axis) of shape \(shape)")
        var newShape = shape
        newShape[a] = (stop - start + step - 1) / step
        var viewStrides = Shape.strides(shape)
        let offset = start * viewStrides[a]
        viewStrides[a] *= step
        let result = Tensor(uninitialized: newShape)
        stridedCopy(from: storage.pointer, offset: offset, strides: viewStrides,
                    to: result.storage.pointer, targetStrides: Shape.strides(newShape), shape: newShape)
        let original = shape
        return result.recorded("slice", [self]) { g, _ in
            let full = Tensor.zeros(original)
            stridedCopy(from: g.storage.pointer, strides: Shape.strides(newShape),
                        to: full.storage.pointer, targetOffset: offset, targetStrides: viewStrides, shape: newShape)
            return [full]
        }
    }

    /// Rows `range` along `axis` (a step-1 slice).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor { slice(axis: axis, start: range.lowerBound, end: range.upperBound) }

    /// Joins tensors along an existing axis; all other dimensions must agree.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "concat: no tensors")
        let first = tensors[0]
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: first.rank, op: "concat") }
        for t in tensors {
            var x = t.shape, y = first.shape
            require(x.count == y.count, "concat: shapes \(tensors.map(\.shape)) differ in rank")
            x[a] = 0; y[a] = 0
            require(x == y, "concat: shapes \(tensors.map(\.shape)) differ outside axis \(axis)")
        }
        var outShape = first.shape
        outShape[a] = tensors.reduce(0) { $0 + $1.shape[a] }
        let result = Tensor(uninitialized: outShape)
        let outStrides = Shape.strides(outShape)
        var position = 0
        var sizes: [Int] = []
        for t in tensors {
            stridedCopy(from: t.storage.pointer, strides: Shape.strides(t.shape),
                        to: result.storage.pointer, targetOffset: position * outStrides[a], targetStrides: outStrides, shape: t.shape)
            position += t.shape[a]
            sizes.append(t.shape[a])
        }
        return result.recorded("concat", tensors) { g, needs in
            var start = 0
            return zip(sizes, needs).map { size, need in
                defer { start += size }
                return need ? g.slice(axis: a, start: start, end: start + size) : nil
            }
        }
    }

    /// Joins tensors of one shape along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "stack: no tensors")
        require(tensors.allSatisfy { $0.shape == tensors[0].shape }, "stack: shapes \(tensors.map(\.shape)) differ")
        return concat(tensors.map { $0.unsqueeze(axis: axis) }, axis: axis)
    }

    /// Cuts along `axis` into pieces of the given sizes.
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "split") }
        require(sizes.reduce(0, +) == shape[a] && sizes.allSatisfy { $0 >= 0 },
                "split: sizes \(sizes) do not add up to \(shape[a]) (axis \(axis) of shape \(shape))")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: a, start: start, end: start + size)
        }
    }

    /// Cuts along `axis` into `parts` equal pieces.
    public func split(parts: Int, axis: Int = 0) -> [Tensor] {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "split") }
        require(parts > 0 && shape[a] % parts == 0, "split: axis \(axis) of shape \(shape) does not divide into \(parts) parts")
        return split(sizes: Array(repeating: shape[a] / parts, count: parts), axis: a)
    }

    /// Pads each axis with `widths[axis] = (before, after)` elements of `value`.
    public func pad(_ widths: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        require(widths.count == rank && widths.allSatisfy { $0.before >= 0 && $0.after >= 0 },
                "pad: need one non-negative (before, after) pair per axis of shape \(shape), got \(widths.count)")
        let outShape = zip(shape, widths).map { $0 + $1.before + $1.after }
        let result = Tensor.full(value, shape: outShape)
        let outStrides = Shape.strides(outShape)
        let offset = zip(widths, outStrides).reduce(0) { $0 + $1.0.before * $1.1 }
        stridedCopy(from: storage.pointer, strides: Shape.strides(shape),
                    to: result.storage.pointer, targetOffset: offset, targetStrides: outStrides, shape: shape)
        let original = shape
        return result.recorded("pad", [self]) { g, _ in
            let inner = Tensor(uninitialized: original)
            stridedCopy(from: g.storage.pointer, offset: offset, strides: outStrides,
                        to: inner.storage.pointer, targetStrides: Shape.strides(original), shape: original)
            return [inner]
        }
    }
}
