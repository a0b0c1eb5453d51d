/// A random affine warp about the image centre combining scaling, stretching
/// (independent x/y scale), shearing, rotation and translation, with bilinear
/// interpolation and a fill value for pixels that come from outside.
///
/// The forward map is translate · rotate · shear · scale, drawn fresh for
/// every sample; translation, rotation, scaling, stretching and shearing alone
/// are the special cases built by the static factories.
public struct RandomAffine: Augmentation {
    /// Chance per sample that the warp runs (1 by default).
    public var probability: Float
    /// Degrees, counter-clockwise on screen.
    public var rotation: ClosedRange<Float>
    /// Horizontal shift as a fraction of the width (positive: right).
    public var translateX: ClosedRange<Float>
    /// Vertical shift as a fraction of the height (positive: down).
    public var translateY: ClosedRange<Float>
    /// Zoom factor range, one factor per sample for both axes (1 keeps the size, 1.1 enlarges by 10 %).
    public var scale: ClosedRange<Float>
    /// Extra factor drawn separately for x and y (aspect change).
    public var stretch: ClosedRange<Float>
    /// Shear angles in degrees: x += tan(shearX)·y, y += tan(shearY)·x.
    public var shearX: ClosedRange<Float>
    /// Range of the y shear angle in degrees: y += tan(shearY)·x.
    public var shearY: ClosedRange<Float>
    /// Value of pixels whose source lies outside the image.
    public var fill: Float

    /// A warp whose parameters are drawn uniformly from the given ranges for every
    /// sample; the defaults are the identity. Traps unless `scale` and `stretch` are positive.
    public init(probability: Float = 1, rotation: ClosedRange<Float> = 0...0,
                translateX: ClosedRange<Float> = 0...0, translateY: ClosedRange<Float> = 0...0,
                scale: ClosedRange<Float> = 1...1, stretch: ClosedRange<Float> = 1...1,
                shearX: ClosedRange<Float> = 0...0, shearY: ClosedRange<Float> = 0...0, fill: Float = 0) {
        precondition(scale.lowerBound > 0 && stretch.lowerBound > 0,
                     "RandomAffine: scale \(scale) and stretch \(stretch) must be positive")
        self.probability = probability
        self.rotation = rotation
        self.translateX = translateX
        self.translateY = translateY
        self.scale = scale
        self.stretch = stretch
        self.shearX = shearX
        self.shearY = shearY
        self.fill = fill
    }

    /// Shift by up to ±`fraction` of the size in x and y.
    public static func translation(_ fraction: Float, probability: Float = 1, fill: Float = 0) -> RandomAffine {
        RandomAffine(probability: probability, translateX: -fraction...fraction, translateY: -fraction...fraction, fill: fill)
    }

    /// Rotate by an angle in ±`degrees`.
    public static func rotation(degrees: Float, probability: Float = 1, fill: Float = 0) -> RandomAffine {
        RandomAffine(probability: probability, rotation: -degrees...degrees, fill: fill)
    }

    /// Zoom by a factor drawn from `range` (same in x and y).
    public static func scaling(_ range: ClosedRange<Float>, probability: Float = 1, fill: Float = 0) -> RandomAffine {
        RandomAffine(probability: probability, scale: range, fill: fill)
    }

    /// Scale x and y by independent factors drawn from `range`.
    public static func stretching(_ range: ClosedRange<Float>, probability: Float = 1, fill: Float = 0) -> RandomAffine {
        RandomAffine(probability: probability, stretch: range, fill: fill)
    }

    /// Shear along x by an angle in ±`degrees`.
    public static func shearing(degrees: Float, probability: Float = 1, fill: Float = 0) -> RandomAffine {
        RandomAffine(probability: probability, shearX: -degrees...degrees, fill: fill)
    }

    /// The forward map drawn for one sample, about the centre of a `width`×`height` image.
    public func matrix(width: Int, height: Int, random: inout SampleRandom) -> AffineMatrix {
        let angle = random.uniform(rotation)
        let dx = random.uniform(translateX) * Float(width), dy = random.uniform(translateY) * Float(height)
        let zoom = random.uniform(scale)
        let sx = zoom * random.uniform(stretch), sy = zoom * random.uniform(stretch)
        let hx = random.uniform(shearX), hy = random.uniform(shearY)
        let forward = AffineMatrix.translation(x: dx, y: dy) * .rotation(degrees: angle)
            * .shear(x: hx, y: hy) * .scale(x: sx, y: sy)
        return forward.aboutCenter(width: width, height: height)
    }

    /// Draws a forward map (`matrix(width:height:random:)`) and warps the image with
    /// it, using `image.scratchCount` floats of `scratch`.
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        matrix(width: image.width, height: image.height, random: &random).warp(image, scratch: scratch, fill: fill)
    }

    /// `affine(…)` listing the ranges that are not the identity (or `identity`), and
    /// the probability when below 1.
    public var description: String {
        var parts: [String] = []
        if rotation != 0...0 { parts.append("rot \(rangeText(rotation))°") }
        if translateX != 0...0 || translateY != 0...0 { parts.append("translate \(rangeText(translateX))×\(rangeText(translateY))") }
        if scale != 1...1 { parts.append("scale \(rangeText(scale))") }
        if stretch != 1...1 { parts.append("stretch \(rangeText(stretch))") }
        if shearX != 0...0 || shearY != 0...0 { parts.append("shear \(rangeText(shearX))°/\(rangeText(shearY))°") }
        if fill != 0 { parts.append("fill \(fill)") }
        return "affine(" + (parts.isEmpty ? "identity" : parts.joined(separator: ", ")) + probabilityText(probability) + ")"
    }
}

/// "a…b", or "a" for a single value (descriptions of parameter ranges).
func rangeText(_ range: ClosedRange<Float>) -> String {
    func text(_ v: Float) -> String { v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : String(v) }
    return range.lowerBound == range.upperBound ? text(range.lowerBound) : "\(text(range.lowerBound))…\(text(range.upperBound))"
}

/// ", p 0.5" unless the transform always runs.
func probabilityText(_ p: Float) -> String { p >= 1 ? "" : ", p \(p)" }
