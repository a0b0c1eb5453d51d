/// Selecting by integer indices, and the scatter-adds that are their gradients.
extension Tensor {
    /// The tensor viewed as [outer, shape[axis], inner] around `axis`.
    func around(_ axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (Shape.count(Array(shape[..<axis])), shape[axis], Shape.count(Array(shape[(axis + 1)...])))
    }

    /// Picks the slices `indices` along `axis` (repeats allowed), as `torch.index_select`.
    public func indexSelect(axis: Int, indices: [Int]) -> Tensor {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "indexSelect") }
        let (outer, length, inner) = around(a)
        for i in indices { require(i >= 0 && i < length, "indexSelect: index \(i) out of range for axis \(axis) of shape \(shape)") }
        var outShape = shape
        outShape[a] = indices.count
        let result = Tensor(uninitialized: outShape)
        let source = storage.pointer, target = result.storage.pointer
        let k = indices.count
        Threads.parallelFor(outer * k, grain: Swift.max(1, 4096 / Swift.max(inner, 1))) { range in
            for item in range {
                let o = item / k, j = item % k
                (target + item * inner).update(from: source + (o * length + indices[j]) * inner, count: inner)
            }
        }
        let original = shape
        return result.recorded("indexSelect", [self]) { g, _ in
            let full = Tensor.zeros(original)
            let gp = g.storage.pointer, fp = full.storage.pointer
            for o in 0..<outer {
                for (j, index) in indices.enumerated() {
                    let from = gp + (o * k + j) * inner, to = fp + (o * length + index) * inner
                    for i in 0..<inner { to[i] += from[i] }
                }
            }
            return [full]
        }
    }

    /// `torch.gather`: out[…, j, …] = self[…, indices[…, j, …], …] along `axis`;
    /// `indexShape` equals this shape except along `axis`.
    public func gather(axis: Int, indices: [Int], indexShape: [Int]) -> Tensor {
        let a = checked { () throws(ShapeError) in try Shape.axis(axis, rank: rank, op: "gather") }
        var expected = shape
        if indexShape.count == rank { expected[a] = indexShape[a] }
        require(indexShape == expected && Shape.count(indexShape) == indices.count,
                "gather: index shape \(indexShape) (\(indices.count) indices) does not match input \(shape) outside axis \(axis)")
        let (outer, length, inner) = around(a)
        let k = indexShape[a]
        for i in indices { require(i >= 0 && i < length, "gather: index \(i) out of range for axis \(axis) of shape \(shape)") }
        let result = Tensor(uninitialized: indexShape)
        let source = storage.pointer, target = result.storage.pointer
        for o in 0..<outer {
            for j in 0..<k {
                for i in 0..<inner {
                    let at = (o * k + j) * inner + i
                    target[at] = source[(o * length + indices[at]) * inner + i]
                }
            }
        }
        let original = shape
        return result.recorded("gather", [self]) { g, _ in
            let full = Tensor.zeros(original)
            let gp = g.storage.pointer, fp = full.storage.pointer
            for o in 0..<outer {
                for j in 0..<k {
                    for i in 0..<inner {
                        let at = (o * k + j) * inner + i
                        fp[(o * length + indices[at]) * inner + i] += gp[at]
                    }
                }
            }
            return [full]
        }
    }

    /// Rows of the identity: [labels.count, classes] with a 1 at each label.
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        var result = zeros([labels.count, classes])
        result.withUnsafeMutableBufferPointer { buffer in
            for (row, label) in labels.enumerated() {
                require(label >= 0 && label < classes, "oneHot: label \(label) out of range 0..<\(classes)")
                buffer[row * classes + label] = 1
            }
        }
        return result
    }
}
