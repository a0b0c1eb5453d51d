/// How values combine in a reduction.
enum Reducer {
    case sum, max, min

    var identity: Float {
        switch self {
        case .sum: 0
        case .max: -.infinity
        case .min: .infinity
        }
    }

    @inline(__always) func combine(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .sum: a + b
        case .max: a.isNaN || a >= b ? a : b
        case .min: a.isNaN || a <= b ? a : b
        }
    }

    /// Reduces a contiguous run, in 16 lanes so the loop vectorizes.
    func reduceRun(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var i = 0
        var result = identity
        if n >= 16 {
            var lanes = SIMD16<Float>(repeating: identity)
            let raw = UnsafeRawPointer(x)
            while i + 16 <= n {
                let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                switch self {
                case .sum: lanes += v
                case .max: lanes = pointwiseMax(lanes, v)
                case .min: lanes = pointwiseMin(lanes, v)
                }
                i += 16
            }
            switch self {
            case .sum: result = lanes.sum()
            case .max: result = lanes.max()
            case .min: result = lanes.min()
            }
            // SIMD max/min drop NaN; keep it visible.
            if self != .sum { for j in 0..<i where x[j].isNaN { return .nan } }
        }
        while i < n {
            result = combine(result, x[i])
            i += 1
        }
        return result
    }
}

/// Reduces `x` over `axes` into a tensor of the keep-dims shape. Axes are grouped
/// into runs of kept (K) and reduced (R) dimensions; [K,R], [R,K] and [K,R,K]
/// run directly, anything else is first permuted to [K,R].
func reduce(_ x: Tensor, axes: Set<Int>, _ reducer: Reducer) -> Tensor {
    let keptShape = x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    var groups: [(reduced: Bool, size: Int)] = []
    for (axis, size) in x.shape.enumerated() where size != 1 {
        let reduced = axes.contains(axis)
        if let last = groups.last, last.reduced == reduced {
            groups[groups.count - 1].size *= size
        } else {
            groups.append((reduced, size))
        }
    }
    let result = Tensor(uninitialized: keptShape)
    let out = result.storage.pointer, source = x.storage.pointer
    if x.count == 0 {
        out.update(repeating: reducer.identity, count: result.count)
        return result
    }
    let pattern = groups.map { $0.reduced ? "R" : "K" }.joined()
    switch pattern {
    case "", "K":
        out.update(from: source, count: x.count)
    case "R", "KR":
        let rows = pattern == "R" ? 1 : groups[0].size
        let length = groups.last!.size
        Threads.parallelFor(rows, grain: max(1, 32768 / length)) { range in
            for r in range { out[r] = reducer.reduceRun(source + r * length, length) }
        }
    case "RK", "KRK":
        let outer = pattern == "RK" ? 1 : groups[0].size
        let length = groups[pattern.count - 2].size, inner = groups.last!.size
        // Each thread owns a band of output columns, so writes never collide.
        let bands = outer * ((inner + 255) / 256)
        let bandsPerOuter = (inner + 255) / 256
        Threads.parallelFor(bands, grain: max(1, 32768 / (length * 256))) { range in
            for band in range {
                let o = band / bandsPerOuter, start = (band % bandsPerOuter) * 256
                let width = min(256, inner - start)
                let z = out + o * inner + start
                z.update(repeating: reducer.identity, count: width)
                for r in 0..<length {
                    let row = source + (o * length + r) * inner + start
                    switch reducer {
                    case .sum: for i in 0..<width { z[i] += row[i] }
                    default: for i in 0..<width { z[i] = reducer.combine(z[i], row[i]) }
                    }
                }
            }
        }
    default:
        let kept = (0..<x.rank).filter { !axes.contains($0) }
        let reduced = (0..<x.rank).filter { axes.contains($0) }
        let moved = x.detached().permute(kept + reduced)
        let flat = reduce(moved, axes: Set(kept.count..<x.rank), reducer)
        out.update(from: flat.storage.pointer, count: result.count)
    }
    return result
}

/// Index of the largest (or smallest) element along the middle axis of [outer, length, inner].
func argReduce(_ x: Tensor, axis: Int, largest: Bool) -> [Int] {
    let (outer, length, inner) = x.around(axis)
    let source = x.storage.pointer
    var indices = [Int](repeating: 0, count: outer * inner)
    for o in 0..<outer {
        for i in 0..<inner {
            var best = 0
            var bestValue = source[o * length * inner + i]
            for j in 1..<max(length, 1) {
                let v = source[(o * length + j) * inner + i]
                if bestValue.isNaN { break }
                if v.isNaN || (largest ? v > bestValue : v < bestValue) { best = j; bestValue = v }
            }
            indices[o * inner + i] = best
        }
    }
    return indices
}
