/// Mirrors the image left–right (all channels). torchvision's RandomHorizontalFlip.
public struct HorizontalFlip: Augmentation {
    /// Chance per sample that the image is mirrored (0.5 by default).
    public var probability: Float

    /// A flip applied with `probability`.
    public init(probability: Float = 0.5) { self.probability = probability }

    /// Mirrors every row of every channel in place (no random draws, no scratch).
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        let w = image.width
        for row in 0..<(image.channels * image.height) {
            let p = image.pixels + row * w
            var i = 0, j = w - 1
            while i < j {
                swap(&p[i], &p[j])
                i += 1
                j -= 1
            }
        }
    }

    /// `hflip(p …)`.
    public var description: String { "hflip(p \(probability))" }
}

/// Mirrors the image top–bottom (all channels).
public struct VerticalFlip: Augmentation {
    /// Chance per sample that the image is mirrored (0.5 by default).
    public var probability: Float

    /// A flip applied with `probability`.
    public init(probability: Float = 0.5) { self.probability = probability }

    /// Swaps rows top for bottom in every channel, in place, through `scratch`
    /// (one row's worth); no random draws.
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        let w = image.width, h = image.height
        for c in 0..<image.channels {
            let plane = image.plane(c)
            var top = 0, bottom = h - 1
            while top < bottom {
                // Swap two rows through the scratch buffer.
                scratch.update(from: plane + top * w, count: w)
                (plane + top * w).update(from: plane + bottom * w, count: w)
                (plane + bottom * w).update(from: scratch, count: w)
                top += 1
                bottom -= 1
            }
        }
    }

    /// `vflip(p …)`.
    public var description: String { "vflip(p \(probability))" }
}
