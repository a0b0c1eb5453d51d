/// Radial lens distortion: output pixel at normalized radius r reads the
/// source at radius r' = r·(1 + k1·r² + k2·r⁴), about the image centre.
///
/// r is measured in half image sizes (the middle of an edge of a square image
/// has r = 1). k > 0 pulls outer content inwards (barrel), k < 0 pushes it out
/// (pincushion); k1 = k2 = 0 is the identity. Sources outside the image give `fill`.
public struct LensDistortion: Augmentation {
    public var probability: Float
    public var k1: ClosedRange<Float>
    public var k2: ClosedRange<Float>
    public var fill: Float

    public init(k1: ClosedRange<Float>, k2: ClosedRange<Float> = 0...0, fill: Float = 0, probability: Float = 1) {
        self.k1 = k1
        self.k2 = k2
        self.fill = fill
        self.probability = probability
    }

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
