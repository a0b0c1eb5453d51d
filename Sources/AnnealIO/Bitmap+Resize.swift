extension Bitmap {
    /// The image resampled to `newWidth`×`newHeight` with a triangle (bilinear)
    /// filter whose support widens when shrinking, so downscaling averages every
    /// source pixel instead of skipping some (as PIL's `resize(BILINEAR)`).
    /// Pixel centres are aligned (`align_corners=False`).
    public func resized(width newWidth: Int, height newHeight: Int) -> Bitmap {
        precondition(newWidth > 0 && newHeight > 0, "Bitmap.resized: bad size \(newWidth)×\(newHeight)")
        if newWidth == width && newHeight == height { return self }
        let columns = Self.filterWeights(from: width, to: newWidth)
        let rows = Self.filterWeights(from: height, to: newHeight)
        // Horizontal pass into floats, then vertical pass with rounding back to bytes.
        var horizontal = [Float](repeating: 0, count: height * newWidth * channels)
        for y in 0..<height {
            for x in 0..<newWidth {
                let (first, weights) = columns[x]
                for c in 0..<channels {
                    var sum: Float = 0
                    for (k, w) in weights.enumerated() { sum += w * Float(pixels[((y * width) + first + k) * channels + c]) }
                    horizontal[(y * newWidth + x) * channels + c] = sum
                }
            }
        }
        var out = [UInt8](repeating: 0, count: newHeight * newWidth * channels)
        for y in 0..<newHeight {
            let (first, weights) = rows[y]
            for i in 0..<(newWidth * channels) {
                var sum: Float = 0
                for (k, w) in weights.enumerated() { sum += w * horizontal[(first + k) * newWidth * channels + i] }
                out[y * newWidth * channels + i] = UInt8(max(0, min(255, sum.rounded())))
            }
        }
        return Bitmap(width: newWidth, height: newHeight, channels: channels, pixels: out)
    }

    /// For each output index: the first source index and the normalized weights of
    /// the source pixels from there on.
    static func filterWeights(from source: Int, to target: Int) -> [(first: Int, weights: [Float])] {
        let scale = Double(source) / Double(target)
        let support = max(1, scale)   // the triangle's half-width in source pixels
        return (0..<target).map { i in
            let centre = (Double(i) + 0.5) * scale
            let first = max(0, Int((centre - support).rounded(.down)))
            let last = min(source - 1, Int((centre + support).rounded(.up)))
            var weights = (first...last).map { j in Float(max(0, 1 - abs((Double(j) + 0.5 - centre) / support))) }
            let total = weights.reduce(0, +)
            for k in weights.indices { weights[k] /= total }
            return (first, weights)
        }
    }
}
