/// One general mechanism for every memory-bound kernel: walk an N-d index space
/// over up to three operands with arbitrary element strides (0 = broadcast),
/// calling `row` once per innermost run. Dimensions that are contiguous for all
/// operands are merged first, so same-shape ops become one long vectorizable row,
/// and rows are split across threads (long rows are cut into blocks).
struct StridedLoop {
    private(set) var shape: [Int] = []
    private(set) var strides: [[Int]] = [[], [], []]

    init(shape: [Int], strides operandStrides: [[Int]]) {
        precondition(operandStrides.count <= 3)
        var ops = operandStrides
        while ops.count < 3 { ops.append([Int](repeating: 0, count: shape.count)) }
        // Drop size-1 dims, then merge neighbours that are contiguous in every operand.
        for axis in 0..<shape.count where shape[axis] != 1 {
            if let last = self.shape.indices.last,
               (0..<3).allSatisfy({ strides[$0][last] == ops[$0][axis] * shape[axis] }) {
                self.shape[last] *= shape[axis]
                for k in 0..<3 { strides[k][last] = ops[k][axis] }
            } else {
                self.shape.append(shape[axis])
                for k in 0..<3 { strides[k].append(ops[k][axis]) }
            }
        }
        if self.shape.isEmpty {
            self.shape = [1]
            strides = [[0], [0], [0]]
        }
    }

    var innerStrides: (Int, Int, Int) { (strides[0].last!, strides[1].last!, strides[2].last!) }
    var count: Int { Shape.count(shape) }

    /// Calls `row(offset0, offset1, offset2, length)` for every innermost run.
    /// With `parallel`, runs are distributed over threads; callers that write
    /// the same output element from several runs (reductions) must pass false.
    func forEachRow(parallel: Bool = true, _ row: (Int, Int, Int, Int) -> Void) {
        let inner = shape.last!
        let outerShape = Array(shape.dropLast())
        let rows = Shape.count(outerShape)
        let blockTarget = 1 << 15
        let blocks = parallel && inner > 2 * blockTarget ? (inner + blockTarget - 1) / blockTarget : 1
        let blockLength = (inner + blocks - 1) / blocks
        let items = rows * blocks
        let (s0, s1, s2) = innerStrides
        let grain = max(1, blockTarget / max(blockLength, 1))
        func body(_ range: Range<Int>) {
            var item = range.lowerBound
            var row0 = item / blocks
            // Offsets of the current row, then odometer increments.
            var index = [Int](repeating: 0, count: outerShape.count)
            var remainder = row0
            for axis in stride(from: outerShape.count - 1, through: 0, by: -1) {
                index[axis] = remainder % outerShape[axis]
                remainder /= outerShape[axis]
            }
            var o0 = 0, o1 = 0, o2 = 0
            for axis in 0..<outerShape.count {
                o0 += index[axis] * strides[0][axis]
                o1 += index[axis] * strides[1][axis]
                o2 += index[axis] * strides[2][axis]
            }
            while item < range.upperBound {
                let block = item % blocks
                let start = block * blockLength
                row(o0 + start * s0, o1 + start * s1, o2 + start * s2, min(blockLength, inner - start))
                item += 1
                if item / blocks != row0 {
                    row0 += 1
                    var axis = outerShape.count - 1
                    while axis >= 0 {
                        index[axis] += 1
                        o0 += strides[0][axis]; o1 += strides[1][axis]; o2 += strides[2][axis]
                        if index[axis] < outerShape[axis] { break }
                        o0 -= strides[0][axis] * outerShape[axis]
                        o1 -= strides[1][axis] * outerShape[axis]
                        o2 -= strides[2][axis] * outerShape[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
        if parallel { Threads.parallelFor(items, grain: grain, body) } else { body(0..<items) }
    }
}
