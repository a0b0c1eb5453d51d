/// Where output pixel (x, y) reads from, in source pixel coordinates.
@usableFromInline
protocol SourceMap {
    func source(x: Float, y: Float) -> (x: Float, y: Float)
}

/// Bilinear resampling through a coordinate map: the one inner loop behind
/// affine warps, resized crops and lens distortion.
///
/// Generic over the map so each map's arithmetic is specialized and inlined
/// into the pixel loop (no closure call or allocation per pixel). The source is
/// first copied into the scratch with a ring of `fill` around it (1 pixel
/// before, 2 after); source coordinates are then clamped into that ring, so
/// every output pixel takes the same branch-free four-tap path and taps outside
/// the image read `fill` without bounds checks or mispredicted branches.
enum Resampler {
    /// Floats of scratch `resample` needs for an image.
    static func scratchCount(channels: Int, height: Int, width: Int) -> Int { channels * (height + 3) * (width + 3) }

    static func resample<Map: SourceMap>(_ image: ImageView, scratch: UnsafeMutablePointer<Float>, fill: Float, map: Map) {
        let w = image.width, h = image.height, channels = image.channels
        let paddedW = w + 3, paddedPlane = (h + 3) * paddedW
        for c in 0..<channels {
            let base = scratch + c * paddedPlane, plane = image.plane(c)
            base.update(repeating: fill, count: paddedW + 1)
            for y in 0..<h {
                let row = base + (y + 1) * paddedW + 1
                row.update(from: plane + y * w, count: w)
                (row + w).update(repeating: fill, count: 3)   // this row's tail + next row's head
            }
            (base + (h + 1) * paddedW + 1).update(repeating: fill, count: 2 * paddedW - 1)
        }
        let width = Float(w), height = Float(h), output = image.pixels, plane = image.planeSize
        for y in 0..<h {
            let fy = Float(y)
            for x in 0..<w {
                var (sx, sy) = map.source(x: Float(x), y: fy)
                // Clamp into [-1, w] × [-1, h] (NaN goes to -1): beyond that every tap is fill anyway.
                sx = sx > -1 ? (sx < width ? sx : width) : -1
                sy = sy > -1 ? (sy < height ? sy : height) : -1
                // Padded coordinates are ≥ 0, so truncation is floor.
                let px = sx + 1, py = sy + 1
                let ix = Int(px), iy = Int(py)
                let ax = px - Float(ix), ay = py - Float(iy)
                var p = UnsafePointer(scratch) + (iy * paddedW + ix)
                var q = output + (y * w + x)
                for _ in 0..<channels {
                    let top = p[0] + ax * (p[1] - p[0])
                    let bottom = p[paddedW] + ax * (p[paddedW + 1] - p[paddedW])
                    q.pointee = top + ay * (bottom - top)
                    p += paddedPlane
                    q += plane
                }
            }
        }
    }
}
