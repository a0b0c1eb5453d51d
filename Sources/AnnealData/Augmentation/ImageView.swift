/// A CHW float image in caller-owned memory, transformed in place by
/// augmentations. Planes are contiguous: channel `c`, row `y`, column `x` is
/// `pixels[(c * height + y) * width + x]`.
///
/// A view, not a container: it lives only inside one `copySample` call on one
/// thread, so it holds a bare pointer and allocates nothing.
public struct ImageView {
    /// The image's first float, in memory the caller owns (`count` floats from here).
    public let pixels: UnsafeMutablePointer<Float>
    /// Number of planes (1 grey, 3 RGB).
    public let channels: Int
    /// Rows per plane.
    public let height: Int
    /// Pixels per row.
    public let width: Int

    /// A view of the `channels * height * width` floats at `pixels`; traps unless
    /// every size is at least 1.
    public init(pixels: UnsafeMutablePointer<Float>, channels: Int, height: Int, width: Int) {
        precondition(channels >= 1 && height >= 1 && width >= 1,
                     "ImageView: bad image shape [\(channels), \(height), \(width)]")
        self.pixels = pixels
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Pixels per channel.
    @inlinable public var planeSize: Int { height * width }
    /// Floats in the whole image.
    @inlinable public var count: Int { channels * height * width }
    /// Floats of scratch an augmentation may use on this image: room for a
    /// copy with a border (resampling pads the source with its fill value).
    public var scratchCount: Int { Resampler.scratchCount(channels: channels, height: height, width: width) }

    /// The first pixel of channel `c`.
    @inlinable public func plane(_ c: Int) -> UnsafeMutablePointer<Float> { pixels + c * planeSize }

    /// Fills the rectangle [x0, x0 + w) × [y0, y0 + h) of every channel (clipped).
    @inlinable
    public func fill(x0: Int, y0: Int, width w: Int, height h: Int, value: Float) {
        let xs = max(0, x0), xe = min(width, x0 + w), ys = max(0, y0), ye = min(height, y0 + h)
        guard xs < xe && ys < ye else { return }
        for c in 0..<channels {
            let base = plane(c)
            for y in ys..<ye { (base + y * width + xs).update(repeating: value, count: xe - xs) }
        }
    }
}
