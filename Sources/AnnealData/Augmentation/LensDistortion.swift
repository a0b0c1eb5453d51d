/// Radial lens distortion: output pixel at normalized radius r reads the
/// source at radius r' = r·(1 + k1·r² + k2·r⁴), about the image centre.
///
/// r is measured in half image sizes (the middle of an edge of a square image
/// has r = 1). k > 0 pulls outer content inwards (barrel), k < 0 pushes it out
/// (pincushion); k1 = k2 = 0 is the identity. Sources outside the image give `fill`.
public struct LensDistortion: Augmentation {
    /// Chance per sample that the distortion runs (1 by default).
    public var probability: Float
    /// Range of the r² coefficient, drawn uniformly per sample (> 0 barrel, < 0 pincushion).
    public var k1: ClosedRange<Float>
    /// Range of the r⁴ coefficient, drawn uniformly per sample (`0...0` by default: none).
    public var k2: ClosedRange<Float>
    /// Value of output pixels whose source lies outside the image.
    public var fill: Float

    /// A distortion whose coefficients are drawn from `k1` and `k2` for every sample.
    public init(k1: ClosedRange<Float>, k2: ClosedRange<Float> = 0...0, fill: Float = 0, probability: Float = 1) {
        self.k1 = k1
        self.k2 = k2
        self.fill = fill
        self.probability = probability
    }

    /// Draws k1 and k2 from their ranges and distorts the image with them (`distort`).
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        distort(image, k1: random.uniform(k1), k2: random.uniform(k2), scratch: scratch)
    }

    /// Applies the distortion with fixed coefficients.
    public func distort(_ image: ImageView, k1: Float, k2: Float, scratch: UnsafeMutablePointer<Float>) {
        guard k1 != 0 || k2 != 0 else { return }
        let map = RadialMap(centerX: Float(image.width - 1) / 2, centerY: Float(image.height - 1) / 2,
                            inverseRadius: 2 / Float(max(image.width, image.height)), k1: k1, k2: k2)
        Resampler.resample(image, scratch: scratch, fill: fill, map: map)
    }

    /// `lens(k1 …)`, with k2 when not 0 and the probability when below 1.
    public var description: String {
        "lens(k1 \(rangeText(k1))" + (k2 != 0...0 ? ", k2 \(rangeText(k2))" : "") + probabilityText(probability) + ")"
    }
}

/// r' = r·(1 + k1·r² + k2·r⁴) about (centerX, centerY), r in units of 1/inverseRadius pixels.
struct RadialMap: SourceMap {
    let centerX: Float, centerY: Float, inverseRadius: Float, k1: Float, k2: Float

    @inline(__always)
    func source(x: Float, y: Float) -> (x: Float, y: Float) {
        let dx = x - centerX, dy = y - centerY
        let u = dx * inverseRadius, v = dy * inverseRadius
        let r2 = u * u + v * v
        let factor = 1 + r2 * (k1 + k2 * r2)
        return (centerX + dx * factor, centerY + dy * factor)
    }
}
