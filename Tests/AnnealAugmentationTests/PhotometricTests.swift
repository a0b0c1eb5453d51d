import AnnealData
import AnnealIO
import AnnealTensor
import Testing

/// Colour jitter, random erasing and Cutout.
@Suite struct PhotometricTests {
    @Test func brightnessScalesWithinItsRangeAndClamps() {
        let image = TestImage(height: 4, width: 4) { _, y, x in Float(y * 4 + x) / 16 }
        for index in 0..<30 {
            let out = image.augmented(by: ColorJitter(brightness: 0.5), index: index)
            // One common factor in [0.5, 1.5] for every pixel (before clamping at 1).
            let factor = out[0, 0, 1] / image[0, 0, 1]
            #expect(factor >= 0.5 && factor <= 1.5)
            for (a, b) in zip(image.pixels, out.pixels) { #expect(abs(min(1, a * factor) - b) < 1e-5) }
        }
    }

    @Test func contrastKeepsTheMeanOfUnclampedImages() {
        let image = TestImage(height: 6, width: 6) { _, y, x in 0.4 + 0.01 * Float(y + x) }
        let out = image.augmented(by: ColorJitter(contrast: 0.5))
        let mean = { (p: [Float]) in p.reduce(0, +) / Float(p.count) }
        #expect(abs(mean(out.pixels) - mean(image.pixels)) < 1e-5)
        #expect(out != image)
    }

    @Test func saturationAndHueLeaveGreyPixelsAndOnlyApplyToRGB() {
        let grey = TestImage(channels: 3, height: 3, width: 3) { _, y, x in Float(y * 3 + x) / 9 }
        expectClose(grey.augmented(by: ColorJitter(saturation: 0.9, hue: 0.4)), grey, tolerance: 1e-4)
        let single = rampImage()
        #expect(single.augmented(by: ColorJitter(saturation: 0.9, hue: 0.4)) == single)
        let colour = TestImage(channels: 3, height: 3, width: 3) { c, _, _ in [0.8, 0.3, 0.1][c] }
        #expect(colour.augmented(by: ColorJitter(hue: 0.3)) != colour)
        let values = colour.augmented(by: ColorJitter(saturation: 1, hue: 0.5), index: 3).pixels
        #expect(values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func erasingBlanksOneRectangleOfTheRequestedArea() {
        let image = TestImage(height: 20, width: 20) { _, _, _ in 1 }
        for index in 0..<40 {
            let erasing = RandomErasing(probability: 1, area: 0.1...0.2, aspect: 0.5...2, fill: .value(0.25))
            let out = image.augmented(by: erasing, index: index)
            let erased = out.pixels.enumerated().filter { $0.element == 0.25 }.map(\.offset)
            #expect(out.pixels.allSatisfy { $0 == 1 || $0 == 0.25 })
            guard !erased.isEmpty else { continue }   // ten failed tries leave the image alone
            let ys = erased.map { $0 / 20 }, xs = erased.map { $0 % 20 }
            let h = ys.max()! - ys.min()! + 1, w = xs.max()! - xs.min()! + 1
            #expect(h * w == erased.count, "a filled rectangle")
            // Rounded sides: the area is near 40…80 px and the aspect near 0.5…2.
            #expect(erased.count >= 30 && erased.count <= 95)
            #expect(Float(h) / Float(w) >= 0.3 && Float(h) / Float(w) <= 3)
        }
    }

    @Test func erasingWithNoiseAndSeveralRectangles() {
        let image = TestImage(channels: 3, height: 16, width: 16) { _, _, _ in 2 }
        let out = image.augmented(by: RandomErasing(probability: 1, area: 0.05...0.1, count: 3, fill: .noise))
        let changed = out.pixels.filter { $0 != 2 }
        #expect(!changed.isEmpty && changed.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(Set(changed).count > changed.count / 2, "noise, not a constant")
    }

    @Test func cutoutBlanksASquareAroundAPixel() {
        let image = TestImage(height: 30, width: 30) { _, _, _ in 1 }
        var sizes: Set<Int> = []
        for index in 0..<30 {
            let out = image.augmented(by: Cutout(size: 6), index: index)
            let zeros = out.pixels.filter { $0 == 0 }.count
            #expect(zeros > 0 && zeros <= 36)
            sizes.insert(zeros)
        }
        #expect(sizes.contains(36), "squares away from the border are whole")
    }

    @Test func colourJitterOnThreeChannelPipeline() {
        // Smoke test: the whole family on RGB stays in [0, 1].
        let image = TestImage(channels: 3, height: 8, width: 8) { c, y, x in Float((c * 5 + y * 3 + x) % 11) / 11 }
        let pipeline = AugmentationPipeline([ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1)])
        for index in 0..<10 {
            let out = image.transformed { view, _ in pipeline.apply(to: view, seed: 9, epoch: 0, index: index) }
            #expect(out.pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }
}
