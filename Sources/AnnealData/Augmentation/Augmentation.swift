/// One random per-sample image transform (flip, crop, affine warp, colour
/// jitter, erasing …), applied in place to a CHW image.
///
/// Implementations are plain values holding their parameter ranges; all their
/// randomness comes from the `SampleRandom` they are handed, which depends only
/// on (seed, epoch, sample index, pipeline stage). Whether the transform runs
/// at all (`probability`) is decided by the pipeline before `apply` is called.
public protocol Augmentation: Sendable, CustomStringConvertible {
    /// Chance that the pipeline applies this transform to a sample (0 never, 1 always).
    var probability: Float { get }

    /// Transforms `image` in place. `scratch` holds at least `image.scratchCount`
    /// floats that the transform may overwrite (a padded copy of the source for resampling).
    func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom)
}
