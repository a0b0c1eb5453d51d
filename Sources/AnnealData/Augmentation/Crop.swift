import Foundation

/// Pads the image by `padding` pixels on every side and crops a random window
/// of the original size: a random integer shift of up to ±`padding` pixels.
/// The standard CIFAR/Fashion-MNIST augmentation (`crop:4`).
public struct RandomCrop: Augmentation {
    /// What the padding contains.
    public enum Padding: String, Sendable, CaseIterable {
        /// The fill value (zero by default).
        case zero
        /// The image mirrored at its edge, without repeating the edge pixel (NumPy's `reflect`).
        case reflect
    }

    /// Chance per sample that the crop runs (1 by default).
    public var probability: Float
    /// Pixels of padding on every side, the largest shift (0 leaves images unchanged).
    public var padding: Int
    /// What the padding holds: `fill` (`.zero`) or the image reflected (`.reflect`).
    public var mode: Padding
    /// Value of padding pixels in `.zero` mode (0 by default).
    public var fill: Float

    /// A crop shifting by up to ±`padding` pixels; traps when `padding` is negative.
    public init(padding: Int, mode: Padding = .zero, fill: Float = 0, probability: Float = 1) {
        precondition(padding >= 0, "RandomCrop: padding \(padding) must not be negative")
        self.padding = padding
        self.mode = mode
        self.fill = fill
        self.probability = probability
    }

    /// Shifts the image by a random (dx, dy), each uniform in `-padding...padding`
    /// (see `shift`); uses `image.count` floats of `scratch`.
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        let dx = random.int(below: 2 * padding + 1) - padding
        let dy = random.int(below: 2 * padding + 1) - padding
        shift(image, dx: dx, dy: dy, scratch: scratch)
    }

    /// Output pixel (x, y) takes source pixel (x + dx, y + dy); outside the
    /// image the padding mode decides.
    public func shift(_ image: ImageView, dx: Int, dy: Int, scratch: UnsafeMutablePointer<Float>) {
        guard dx != 0 || dy != 0 else { return }
        let w = image.width, h = image.height
        scratch.update(from: image.pixels, count: image.count)
        // Columns whose source is inside: x + dx in 0..<w.
        let lo = min(w, max(0, -dx)), hi = max(lo, min(w, w - dx))
        for c in 0..<image.channels {
            let source = scratch + c * image.planeSize, target = image.plane(c)
            for y in 0..<h {
                let row = target + y * w
                var sy = y + dy
                if sy < 0 || sy >= h {
                    if mode == .zero {
                        row.update(repeating: fill, count: w)
                        continue
                    }
                    sy = reflect(sy, h)
                }
                let sourceRow = source + sy * w
                if hi > lo { (row + lo).update(from: sourceRow + lo + dx, count: hi - lo) }
                if mode == .zero {
                    row.update(repeating: fill, count: lo)
                    (row + hi).update(repeating: fill, count: w - hi)
                } else {
                    for x in 0..<lo { row[x] = sourceRow[reflect(x + dx, w)] }
                    for x in hi..<w { row[x] = sourceRow[reflect(x + dx, w)] }
                }
            }
        }
    }

    /// `crop(pad N MODE)`, with the fill when not 0 and the probability when below 1.
    public var description: String { "crop(pad \(padding) \(mode)\(fill != 0 ? ", fill \(fill)" : "")\(probabilityText(probability)))" }
}

/// Index `i` mirrored into 0..<n without repeating the edge (…2 1 | 0 1 2 … n-1 | n-2 …).
@inline(__always)
func reflect(_ i: Int, _ n: Int) -> Int {
    guard n > 1 else { return 0 }
    let period = 2 * (n - 1)
    var m = i % period
    if m < 0 { m += period }
    return m < n ? m : period - m
}

/// Crops a random region (area fraction in `scale`, aspect ratio in `ratio`)
/// and resizes it back to the full image size with bilinear interpolation
/// (torchvision's RandomResizedCrop, without changing the sample shape).
public struct RandomResizedCrop: Augmentation {
    /// Chance per sample that the crop runs (1 by default).
    public var probability: Float
    /// Fraction of the image area the crop covers.
    public var scale: ClosedRange<Float>
    /// Width / height of the crop (drawn log-uniformly).
    public var ratio: ClosedRange<Float>

    /// A crop with torchvision's defaults unless given (8–100 % of the area, aspect
    /// 3/4 to 4/3); traps unless `scale` lies in (0, 1] and `ratio` is positive.
    public init(scale: ClosedRange<Float> = 0.08...1, ratio: ClosedRange<Float> = 0.75...(4.0 / 3), probability: Float = 1) {
        precondition(scale.lowerBound > 0 && scale.upperBound <= 1, "RandomResizedCrop: scale \(scale) must lie in (0, 1]")
        precondition(ratio.lowerBound > 0, "RandomResizedCrop: ratio \(ratio) must be positive")
        self.scale = scale
        self.ratio = ratio
        self.probability = probability
    }

    /// Draws a crop that fits the image (up to ten tries, else the image stays as it
    /// is) and resamples it bilinearly to the full image size.
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        let w = Float(image.width), h = Float(image.height)
        // Up to ten tries for a crop that fits, as torchvision; else keep the whole image.
        for _ in 0..<10 {
            let area = w * h * random.uniform(scale)
            let aspect = random.logUniform(ratio)
            let cw = (area * aspect).squareRoot(), ch = (area / aspect).squareRoot()
            guard cw <= w && ch <= h else { continue }
            let x0 = random.uniform(0...(w - cw)), y0 = random.uniform(0...(h - ch))
            // Output pixel centre x + ½ maps to x0 + (x + ½)·cw/w in the source.
            let map = AffineMatrix(a: cw / w, b: 0, c: 0, d: ch / h,
                                   tx: x0 + 0.5 * cw / w - 0.5, ty: y0 + 0.5 * ch / h - 0.5)
            Resampler.resample(image, scratch: scratch, fill: 0, map: map)
            return
        }
    }

    /// `resized-crop(scale …, ratio …)`, with the probability when below 1.
    public var description: String { "resized-crop(scale \(rangeText(scale)), ratio \(rangeText(ratio))\(probabilityText(probability)))" }
}
