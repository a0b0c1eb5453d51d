/// Mirrors the image left–right (all channels). torchvision's RandomHorizontalFlip.
public struct HorizontalFlip: Augmentation {
    public var probability: Float

    public init(probability: Float = 0.5) { self.probability = probability }

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

    public var description: String { "hflip(p \(probability))" }
}

/// Mirrors the image top–bottom (all channels).
public struct VerticalFlip: Augmentation {
    public var probability: Float

    public init(probability: Float = 0.5) { self.probability = probability }

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

    public var description: String { "vflip(p \(probability))" }
}
