import Foundation

/// A 2-D affine map in pixel coordinates (x right, y down, pixel centres on
/// integers): (x, y) ↦ (a·x + b·y + tx, c·x + d·y + ty).
///
/// Augmentations describe where a source pixel goes (the forward map); warping
/// samples each output pixel at the inverse image, so every output pixel gets
/// exactly one bilinear read and no holes appear.
public struct AffineMatrix: Sendable, Equatable, CustomStringConvertible {
    /// The coefficients of (x, y) ↦ (a·x + b·y + tx, c·x + d·y + ty); `tx`, `ty` in pixels.
    public var a: Float, b: Float, c: Float, d: Float, tx: Float, ty: Float

    /// The map (x, y) ↦ (a·x + b·y + tx, c·x + d·y + ty).
    public init(a: Float, b: Float, c: Float, d: Float, tx: Float, ty: Float) {
        (self.a, self.b, self.c, self.d, self.tx, self.ty) = (a, b, c, d, tx, ty)
    }

    /// The map that leaves every point in place.
    public static let identity = AffineMatrix(a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0)

    /// Counter-clockwise as seen on screen (y points down), like torchvision.
    public static func rotation(degrees: Float) -> AffineMatrix {
        let radians = Double(degrees) * .pi / 180
        let (s, k) = (Float(sin(radians)), Float(cos(radians)))
        return AffineMatrix(a: k, b: s, c: -s, d: k, tx: 0, ty: 0)
    }

    /// Multiplies x by `x` and y by `y`, about pixel (0, 0) (see `aboutCenter`).
    public static func scale(x: Float, y: Float) -> AffineMatrix { AffineMatrix(a: x, b: 0, c: 0, d: y, tx: 0, ty: 0) }

    /// Moves every point `x` pixels right and `y` pixels down.
    public static func translation(x: Float, y: Float) -> AffineMatrix { AffineMatrix(a: 1, b: 0, c: 0, d: 1, tx: x, ty: y) }

    /// x ↦ x + tan(x°)·y and y ↦ y + tan(y°)·x.
    public static func shear(x: Float, y: Float = 0) -> AffineMatrix {
        AffineMatrix(a: 1, b: tanf(x * .pi / 180), c: tanf(y * .pi / 180), d: 1, tx: 0, ty: 0)
    }

    /// `lhs ∘ rhs`: apply `rhs` first, then `lhs`.
    public static func * (lhs: AffineMatrix, rhs: AffineMatrix) -> AffineMatrix {
        AffineMatrix(a: lhs.a * rhs.a + lhs.b * rhs.c, b: lhs.a * rhs.b + lhs.b * rhs.d,
                     c: lhs.c * rhs.a + lhs.d * rhs.c, d: lhs.c * rhs.b + lhs.d * rhs.d,
                     tx: lhs.a * rhs.tx + lhs.b * rhs.ty + lhs.tx, ty: lhs.c * rhs.tx + lhs.d * rhs.ty + lhs.ty)
    }

    /// The inverse map, or nil when the matrix is (numerically) singular.
    public var inverse: AffineMatrix? {
        let determinant = a * d - b * c
        guard abs(determinant) > 1e-12 else { return nil }
        let (ia, ib, ic, id) = (d / determinant, -b / determinant, -c / determinant, a / determinant)
        return AffineMatrix(a: ia, b: ib, c: ic, d: id, tx: -(ia * tx + ib * ty), ty: -(ic * tx + id * ty))
    }

    /// The image of (x, y).
    @inlinable
    public func apply(x: Float, y: Float) -> (x: Float, y: Float) { (a * x + b * y + tx, c * x + d * y + ty) }

    /// The same transform about the centre of a `width`×`height` image instead
    /// of about pixel (0, 0): rotations and scales keep the centre in place.
    public func aboutCenter(width: Int, height: Int) -> AffineMatrix {
        let cx = Float(width - 1) / 2, cy = Float(height - 1) / 2
        return .translation(x: cx, y: cy) * self * .translation(x: -cx, y: -cy)
    }

    /// Moves every pixel of `image` (all channels) to where this forward map
    /// sends it, with bilinear interpolation; output pixels whose source lies
    /// outside the image get `fill`. `scratch` holds `image.scratchCount` floats.
    public func warp(_ image: ImageView, scratch: UnsafeMutablePointer<Float>, fill: Float = 0) {
        guard let inverse else {   // collapses the plane: nothing of the source survives
            image.fill(x0: 0, y0: 0, width: image.width, height: image.height, value: fill)
            return
        }
        Resampler.resample(image, scratch: scratch, fill: fill, map: inverse)
    }

    /// The two rows as `[a b tx; c d ty]`, for logs and test failures.
    public var description: String { "[\(a) \(b) \(tx); \(c) \(d) \(ty)]" }
}

extension AffineMatrix: SourceMap {
    @inlinable
    func source(x: Float, y: Float) -> (x: Float, y: Float) { apply(x: x, y: y) }
}
