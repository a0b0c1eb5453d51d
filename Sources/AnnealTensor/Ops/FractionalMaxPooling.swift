/// Fractional max pooling (Graham 2014): pooling regions whose sizes mix ⌊α⌋ and
/// ⌈α⌉ so the map shrinks by a non-integer ratio α such as √2.
public enum FractionalPooling {
    /// Region boundaries 0 = a₀ < a₁ < … < a_out = n along one axis.
    /// - pseudoRandom: aᵢ = ⌈α(i + u)⌉ − ⌈αu⌉ with one offset u ∈ (0, 1) (Graham's
    ///   "pseudorandom" sequence); otherwise a random permutation of the increments.
    public static func boundaries(input n: Int, output: Int, pseudoRandom: Bool, using generator: inout RandomGenerator) -> [Int] {
        precondition(output >= 1 && output <= n, "FractionalPooling: cannot pool \(n) into \(output) regions")
        let alpha = Double(n) / Double(output)
        if pseudoRandom {
            let u = Double(generator.uniform(count: 1)[0]) * 0.98 + 0.01
            let offset = (alpha * u).rounded(.up)
            var result = (0...output).map { i in Int((alpha * (Double(i) + u)).rounded(.up) - offset) }
            result[output] = n
            // Keep every region non-empty (rounding at the end can collide).
            for i in stride(from: output - 1, through: 1, by: -1) { result[i] = Swift.min(result[i], result[i + 1] - 1) }
            for i in 1...output { result[i] = Swift.max(result[i], result[i - 1] + 1) }
            return result
        }
        let small = n / output, larger = n % output
        var increments = [Int](repeating: small, count: output - larger) + [Int](repeating: small + 1, count: larger)
        let order = generator.permutation(output)
        increments = order.map { increments[$0] }
        var result = [0]
        for step in increments { result.append(result.last! + step) }
        return result
    }
}

extension Tensor {
    /// Max over regions [rows[i], rows[i+1]) × [columns[j], columns[j+1]) of
    /// [N, C, H, W]; `overlapping` extends each region by one row and column
    /// (to rows[i+1] inclusive, within the input), as Graham's overlapping variant.
    public func fractionalMaxPool2d(rows: [Int], columns: [Int], overlapping: Bool) -> Tensor {
        require(rank == 4, "fractionalMaxPool2d: expects [N, C, H, W], got \(shape)")
        let (h, w) = (shape[2], shape[3])
        require(rows.first == 0 && rows.last == h && columns.first == 0 && columns.last == w
                && zip(rows, rows.dropFirst()).allSatisfy { $0 < $1 } && zip(columns, columns.dropFirst()).allSatisfy { $0 < $1 },
                "fractionalMaxPool2d: boundaries must rise strictly from 0 to \(h) and \(w), got \(rows) and \(columns)")
        let (oh, ow) = (rows.count - 1, columns.count - 1)
        let planes = shape[0] * shape[1]
        let output = Tensor(uninitialized: [shape[0], shape[1], oh, ow])
        var argmax = [Int](repeating: 0, count: planes * oh * ow)
        let source = storage.pointer, target = output.storage.pointer
        let extra = overlapping ? 1 : 0
        argmax.withUnsafeMutableBufferPointer { indices in
            let indexPointer = indices.baseAddress!
            Threads.parallelFor(planes, grain: 8) { range in
                for plane in range {
                    let base = plane * h * w
                    for i in 0..<oh {
                        let rowEnd = Swift.min(rows[i + 1] + extra, h)
                        for j in 0..<ow {
                            let columnEnd = Swift.min(columns[j + 1] + extra, w)
                            var best = -Float.infinity, bestIndex = base + rows[i] * w + columns[j]
                            for y in rows[i]..<rowEnd {
                                for x in columns[j]..<columnEnd where source[base + y * w + x] > best || source[base + y * w + x].isNaN {
                                    best = source[base + y * w + x]
                                    bestIndex = base + y * w + x
                                }
                            }
                            let at = (plane * oh + i) * ow + j
                            target[at] = best
                            indexPointer[at] = bestIndex
                        }
                    }
                }
            }
        }
        let inputShape = shape
        return output.recorded("fractionalMaxPool2d", [self]) { gradient, _ in
            let inputGradient = Tensor.zeros(inputShape)
            let g = gradient.storage.pointer, d = inputGradient.storage.pointer
            for (at, index) in argmax.enumerated() { d[index] += g[at] }
            return [inputGradient]
        }
    }
}
