/// What erased pixels become.
public enum EraseFill: Sendable, Equatable, CustomStringConvertible {
    /// One constant value in every channel.
    case value(Float)
    /// Independent uniform noise in [0, 1) per pixel and channel.
    case noise

    /// The value as text (e.g. `0`, `0.5`), or `noise`.
    public var description: String {
        switch self {
        case .value(let v): rangeText(v...v)
        case .noise: "noise"
        }
    }
}

/// Random erasing (Zhong et al. 2017): blanks `count` rectangles whose area is
/// a fraction in `area` of the image and whose aspect ratio (height / width)
/// lies in `aspect` (log-uniform), placed entirely inside the image.
public struct RandomErasing: Augmentation {
    /// Chance per sample that erasing runs (0.5 by default, as torchvision).
    public var probability: Float
    /// Fraction of the image area each rectangle covers, drawn uniformly.
    public var area: ClosedRange<Float>
    /// Height / width of each rectangle, drawn log-uniformly.
    public var aspect: ClosedRange<Float>
    /// Rectangles erased per sample (at least 1).
    public var count: Int
    /// What the erased pixels become.
    public var fill: EraseFill

    /// An erasing with torchvision's defaults unless given; traps unless `area` lies
    /// in (0, 1], `aspect` is positive and `count` is at least 1.
    public init(probability: Float = 0.5, area: ClosedRange<Float> = 0.02...0.33, aspect: ClosedRange<Float> = 0.3...3.3,
                count: Int = 1, fill: EraseFill = .value(0)) {
        precondition(area.lowerBound > 0 && area.upperBound <= 1, "RandomErasing: area \(area) must lie in (0, 1]")
        precondition(aspect.lowerBound > 0, "RandomErasing: aspect \(aspect) must be positive")
        precondition(count >= 1, "RandomErasing: count \(count) must be at least 1")
        self.probability = probability
        self.area = area
        self.aspect = aspect
        self.count = count
        self.fill = fill
    }

    /// Erases `count` rectangles, each strictly smaller than the image; one that
    /// does not fit after ten draws is left out. Uses no scratch.
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        let w = image.width, h = image.height
        for _ in 0..<count {
            // Up to ten tries for a rectangle that fits, as torchvision.
            for _ in 0..<10 {
                let target = Float(w * h) * random.uniform(area)
                let ratio = random.logUniform(aspect)
                let eh = Int((target * ratio).squareRoot().rounded()), ew = Int((target / ratio).squareRoot().rounded())
                guard eh >= 1 && ew >= 1 && eh < h && ew < w else { continue }
                let y0 = random.int(below: h - eh + 1), x0 = random.int(below: w - ew + 1)
                erase(image, x0: x0, y0: y0, width: ew, height: eh, fill: fill, random: &random)
                break
            }
        }
    }

    /// `erase(area …, aspect …, fill …)`, with the count when above 1 and the
    /// probability when below 1.
    public var description: String {
        "erase(area \(rangeText(area)), aspect \(rangeText(aspect))" + (count > 1 ? ", count \(count)" : "")
            + ", fill \(fill)" + probabilityText(probability) + ")"
    }
}

/// Cutout (DeVries & Taylor 2017): blanks `count` squares of side `size`
/// centred on uniformly random pixels; squares may hang over the border.
public struct Cutout: Augmentation {
    /// Chance per sample that cutout runs (1 by default).
    public var probability: Float
    /// Side of each square in pixels.
    public var size: Int
    /// Squares blanked per sample.
    public var count: Int
    /// What the blanked pixels become.
    public var fill: EraseFill

    /// A cutout of `count` squares of side `size`, filled with 0 unless `fill` says
    /// otherwise; traps unless `size` and `count` are at least 1.
    public init(size: Int, count: Int = 1, fill: EraseFill = .value(0), probability: Float = 1) {
        precondition(size >= 1 && count >= 1, "Cutout: size \(size) and count \(count) must be at least 1")
        self.size = size
        self.count = count
        self.fill = fill
        self.probability = probability
    }

    /// Blanks `count` squares centred on uniformly drawn pixels, clipped to the
    /// image. Uses no scratch.
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        for _ in 0..<count {
            let cy = random.int(below: image.height), cx = random.int(below: image.width)
            erase(image, x0: cx - size / 2, y0: cy - size / 2, width: size, height: size, fill: fill, random: &random)
        }
    }

    /// `cutout(size …, fill …)`, with the count when above 1 and the probability when below 1.
    public var description: String {
        "cutout(size \(size)" + (count > 1 ? ", count \(count)" : "") + ", fill \(fill)" + probabilityText(probability) + ")"
    }
}

/// Fills a rectangle (clipped to the image) with a value or noise.
func erase(_ image: ImageView, x0: Int, y0: Int, width: Int, height: Int, fill: EraseFill, random: inout SampleRandom) {
    switch fill {
    case .value(let v):
        image.fill(x0: x0, y0: y0, width: width, height: height, value: v)
    case .noise:
        let xs = max(0, x0), xe = min(image.width, x0 + width), ys = max(0, y0), ye = min(image.height, y0 + height)
        guard xs < xe && ys < ye else { return }
        for c in 0..<image.channels {
            let plane = image.plane(c)
            for y in ys..<ye {
                for x in xs..<xe { plane[y * image.width + x] = random.uniform() }
            }
        }
    }
}
