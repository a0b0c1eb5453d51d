/// Copies (or adds) a strided view of `source` into a strided view of `target`
/// over `shape`: the one kernel behind permute, slice, pad, concat and broadcast.
func stridedCopy(from source: UnsafePointer<Float>, offset sourceOffset: Int = 0, strides sourceStrides: [Int],
                 to target: UnsafeMutablePointer<Float>, targetOffset: Int = 0, targetStrides: [Int],
                 shape: [Int], accumulate: Bool = false) {
    if Shape.count(shape) == 0 { return }
    let loop = StridedLoop(shape: shape, strides: [targetStrides, sourceStrides])
    let (st, ss, _) = loop.innerStrides
    // Accumulating writes may hit one target element from several rows: stay serial.
    loop.forEachRow(parallel: !accumulate || targetStrides.allSatisfy { $0 != 0 }) { ot, os, _, n in
        let z = target + targetOffset + ot, x = source + sourceOffset + os
        if accumulate {
            if st == 1 && ss == 1 { for i in 0..<n { z[i] += x[i] } } else { for i in 0..<n { z[i * st] += x[i * ss] } }
        } else if st == 1 && ss == 1 {
            z.update(from: x, count: n)
        } else if st == 1 && ss == 0 {
            z.update(repeating: x[0], count: n)
        } else {
            for i in 0..<n { z[i * st] = x[i * ss] }
        }
    }
}
