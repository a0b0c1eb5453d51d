import AnnealData
import AnnealIO
import AnnealTensor
import Testing

/// A CHW image as a flat array, for transform tests.
struct TestImage: Equatable, CustomStringConvertible {
    var channels: Int, height: Int, width: Int
    var pixels: [Float]

    init(channels: Int = 1, height: Int, width: Int, value: (Int, Int, Int) -> Float = { _, _, _ in 0 }) {
        self.channels = channels
        self.height = height
        self.width = width
        pixels = []
        for c in 0..<channels { for y in 0..<height { for x in 0..<width { pixels.append(value(c, y, x)) } } }
    }

    subscript(c: Int, y: Int, x: Int) -> Float {
        get { pixels[(c * height + y) * width + x] }
        set { pixels[(c * height + y) * width + x] = newValue }
    }

    /// A copy transformed by `body` with a scratch buffer of the right size.
    func transformed(_ body: (ImageView, UnsafeMutablePointer<Float>) -> Void) -> TestImage {
        var copy = self
        copy.pixels.withUnsafeMutableBufferPointer { buffer in
            let view = ImageView(pixels: buffer.baseAddress!, channels: channels, height: height, width: width)
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: view.scratchCount)
            defer { scratch.deallocate() }
            body(view, scratch)
        }
        return copy
    }

    /// Applies an augmentation with the stream of (seed, epoch 0, index, stage 0).
    func augmented(by augmentation: any Augmentation, seed: UInt64 = 1, index: Int = 0) -> TestImage {
        transformed { view, scratch in
            var random = SampleRandom(seed: seed, epoch: 0, index: index, stage: 0)
            augmentation.apply(to: view, scratch: scratch, random: &random)
        }
    }

    func warped(by matrix: AffineMatrix, fill: Float = 0) -> TestImage {
        transformed { view, scratch in matrix.warp(view, scratch: scratch, fill: fill) }
    }

    /// Positions of pixels above `threshold` as (c, y, x).
    func bright(above threshold: Float = 0.5) -> [[Int]] {
        var result: [[Int]] = []
        for c in 0..<channels { for y in 0..<height { for x in 0..<width where self[c, y, x] > threshold { result.append([c, y, x]) } } }
        return result
    }

    var description: String { "TestImage(\(channels)×\(height)×\(width))" }
}

func expectClose(_ a: TestImage, _ b: TestImage, tolerance: Float = 1e-5, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.pixels.count == b.pixels.count, sourceLocation: sourceLocation)
    let worst = zip(a.pixels, b.pixels).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= tolerance, "largest difference \(worst)", sourceLocation: sourceLocation)
}

/// An image with distinct values everywhere, to catch any misplaced pixel.
func rampImage(channels: Int = 1, height: Int = 7, width: Int = 9) -> TestImage {
    TestImage(channels: channels, height: height, width: width) { c, y, x in Float(c * 1000 + y * 31 + x * 3 + 1) / 1000 }
}

/// A small labelled dataset of distinct ramp images.
func rampDataset(count: Int, channels: Int = 1, size: Int = 12, classes: Int = 4) -> TensorDataset {
    var values: [Float] = []
    for i in 0..<count {
        values += TestImage(channels: channels, height: size, width: size) { c, y, x in
            Float((i * 7 + c * 3 + y * size + x) % 97) / 97
        }.pixels
    }
    return try! TensorDataset(samples: Tensor(values, shape: [count, channels, size, size]),
                              labels: (0..<count).map { $0 % classes }, classCount: classes)
}
