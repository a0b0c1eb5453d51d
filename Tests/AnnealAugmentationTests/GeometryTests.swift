import AnnealData
import AnnealIO
import AnnealTensor
import Foundation
import Testing

/// Geometric transforms against known pixel positions.
@Suite struct GeometryTests {
    /// One bright pixel at (x, y) of an otherwise black 1×h×w image.
    func dot(x: Int, y: Int, height: Int = 11, width: Int = 13) -> TestImage {
        var image = TestImage(height: height, width: width)
        image[0, y, x] = 1
        return image
    }

    @Test(arguments: [(3, -2), (-4, 1), (0, 5)])
    func brightPixelMovesByTheTranslation(dx: Int, dy: Int) {
        let moved = dot(x: 6, y: 4).warped(by: .translation(x: Float(dx), y: Float(dy)))
        #expect(moved.bright() == [[0, 4 + dy, 6 + dx]])
        #expect(abs(moved.pixels.reduce(0, +) - 1) < 1e-6)
    }

    @Test func brightPixelMovesWhereTheMatrixSendsIt() {
        // Integer-valued matrices send pixel centres to pixel centres: exact.
        let matrices = [
            AffineMatrix(a: 0, b: -1, c: 1, d: 0, tx: 10, ty: 1),   // a 90° turn plus a shift
            AffineMatrix(a: 1, b: 1, c: 0, d: 1, tx: 0, ty: 0),     // shear by 45°
            AffineMatrix(a: -1, b: 0, c: 0, d: 1, tx: 12, ty: 0),   // mirror
            AffineMatrix.rotation(degrees: 180).aboutCenter(width: 13, height: 11),
        ]
        for matrix in matrices {
            for (x, y) in [(2, 3), (5, 5), (4, 1)] {
                let target = matrix.apply(x: Float(x), y: Float(y))
                let tx = Int(target.x.rounded()), ty = Int(target.y.rounded())
                let moved = dot(x: x, y: y).warped(by: matrix)
                if (0..<13).contains(tx) && (0..<11).contains(ty) {
                    #expect(moved.bright() == [[0, ty, tx]], "\(matrix) moves (\(x), \(y)) to \(target)")
                    #expect(abs(moved[0, ty, tx] - 1) < 1e-5)
                } else {
                    #expect(moved.bright().isEmpty, "\(matrix) moves (\(x), \(y)) out to \(target)")
                }
            }
        }
    }

    @Test func fractionalTargetSpreadsTheDotBilinearly() {
        // A shift by (0.25, 0.5): the dot's mass is split over four pixels by the bilinear weights.
        let moved = dot(x: 5, y: 5).warped(by: .translation(x: 0.25, y: 0.5))
        #expect(abs(moved[0, 5, 5] - 0.75 * 0.5) < 1e-6)
        #expect(abs(moved[0, 5, 6] - 0.25 * 0.5) < 1e-6)
        #expect(abs(moved[0, 6, 5] - 0.75 * 0.5) < 1e-6)
        #expect(abs(moved[0, 6, 6] - 0.25 * 0.5) < 1e-6)
        // Centre of mass lands exactly where the matrix says.
        var mx: Float = 0, my: Float = 0
        for y in 0..<11 { for x in 0..<13 { mx += Float(x) * moved[0, y, x]; my += Float(y) * moved[0, y, x] } }
        #expect(abs(mx - 5.25) < 1e-5 && abs(my - 5.5) < 1e-5)
    }

    @Test func warpOfALinearImageIsExactInside() {
        // Bilinear interpolation reproduces a linear function, so the output equals
        // the function at the inverse-mapped coordinates wherever all taps are inside.
        let f = { (x: Float, y: Float) in 0.1 + 0.03 * x + 0.05 * y }
        let image = TestImage(height: 20, width: 20) { _, y, x in f(Float(x), Float(y)) }
        let matrix = AffineMatrix.translation(x: 1.3, y: -0.7) * .rotation(degrees: 17) * .shear(x: 8) * .scale(x: 1.1, y: 0.9)
        let forward = matrix.aboutCenter(width: 20, height: 20)
        let warped = image.warped(by: forward)
        let inverse = forward.inverse!
        var checked = 0
        for y in 0..<20 {
            for x in 0..<20 {
                let s = inverse.apply(x: Float(x), y: Float(y))
                guard s.x >= 0 && s.x <= 19 && s.y >= 0 && s.y <= 19 else { continue }
                #expect(abs(warped[0, y, x] - f(s.x, s.y)) < 1e-4)
                checked += 1
            }
        }
        #expect(checked > 200)
    }

    @Test func outsidePixelsGetTheFillValue() {
        let image = TestImage(height: 6, width: 6) { _, _, _ in 1 }
        let shifted = image.warped(by: .translation(x: 2, y: 0), fill: 0.25)
        for y in 0..<6 {
            #expect(shifted[0, y, 0] == 0.25 && shifted[0, y, 1] == 0.25)
            #expect(shifted[0, y, 2] == 1 && shifted[0, y, 5] == 1)
        }
    }

    @Test(arguments: [1, 3])
    func twoFlipsAreTheIdentity(channels: Int) {
        let image = rampImage(channels: channels)
        #expect(image.augmented(by: HorizontalFlip(probability: 1)).augmented(by: HorizontalFlip(probability: 1)) == image)
        #expect(image.augmented(by: VerticalFlip(probability: 1)).augmented(by: VerticalFlip(probability: 1)) == image)
        let flipped = image.augmented(by: HorizontalFlip(probability: 1))
        let mirrored = image.augmented(by: VerticalFlip(probability: 1))
        for c in 0..<channels {
            for y in 0..<7 {
                for x in 0..<9 {
                    #expect(flipped[c, y, x] == image[c, y, 8 - x])
                    #expect(mirrored[c, y, x] == image[c, 6 - y, x])
                }
            }
        }
    }

    @Test(arguments: [1, 3])
    func quarterTurnIsTransposePlusFlip(channels: Int) {
        // Counter-clockwise 90° (numpy's rot90): out[y][x] = in[x][n-1-y].
        let n = 8
        let image = rampImage(channels: channels, height: n, width: n)
        let rotated = image.augmented(by: RandomAffine(rotation: 90...90))
        let expected = TestImage(channels: channels, height: n, width: n) { c, y, x in image[c, x, n - 1 - y] }
        expectClose(rotated, expected)
        // The same as transposing, then flipping top to bottom.
        let transposed = TestImage(channels: channels, height: n, width: n) { c, y, x in image[c, x, y] }
        expectClose(rotated, transposed.augmented(by: VerticalFlip(probability: 1)))
    }

    @Test func rotationIsCounterClockwiseOnScreen() {
        // A dot right of the centre goes above it after +90°.
        let turned = dot(x: 9, y: 5, height: 11, width: 11).augmented(by: RandomAffine(rotation: 90...90))
        #expect(turned.bright() == [[0, 1, 5]])
    }

    @Test func scalingAboutTheCentreKeepsTheCentre() {
        let zoomed = dot(x: 7, y: 5, height: 11, width: 15).augmented(by: RandomAffine(scale: 2...2))
        #expect(zoomed[0, 5, 7] == 1)
        // Stretching x by 2 moves a dot 2 px right of centre to 4 px right.
        let stretched = dot(x: 9, y: 5, height: 11, width: 15).warped(by: AffineMatrix.scale(x: 2, y: 1).aboutCenter(width: 15, height: 11))
        #expect(stretched.bright() == [[0, 5, 11]])
    }

    @Test func shearMovesRowsSideways() {
        // shear 45°: x ↦ x + (y − cy); a dot 3 rows below the centre moves 3 px right.
        let sheared = dot(x: 6, y: 8, height: 11, width: 13).augmented(by: RandomAffine(shearX: 45...45))
        #expect(sheared.bright() == [[0, 8, 9]])
    }

    @Test func randomAffineIdentityRangesChangeNothing() {
        let image = rampImage(channels: 3)
        #expect(image.augmented(by: RandomAffine()) == image)
    }

    @Test(arguments: [(2, -1), (-3, 2), (0, 0)])
    func cropShiftsByAnIntegerOffset(dx: Int, dy: Int) {
        let image = rampImage()
        let crop = RandomCrop(padding: 3)
        let shifted = image.transformed { view, scratch in crop.shift(view, dx: dx, dy: dy, scratch: scratch) }
        for y in 0..<7 {
            for x in 0..<9 {
                let sx = x + dx, sy = y + dy
                let inside = (0..<9).contains(sx) && (0..<7).contains(sy)
                #expect(shifted[0, y, x] == (inside ? image[0, sy, sx] : 0))
            }
        }
    }

    @Test func reflectPaddingMirrorsWithoutRepeatingTheEdge() {
        let image = rampImage()
        let crop = RandomCrop(padding: 2, mode: .reflect)
        let shifted = image.transformed { view, scratch in crop.shift(view, dx: -2, dy: 1, scratch: scratch) }
        // Column 0 shows source column −2 → 2; column 1 shows −1 → 1; the last row shows row 7 → 5.
        #expect(shifted[0, 0, 0] == image[0, 1, 2])
        #expect(shifted[0, 0, 1] == image[0, 1, 1])
        #expect(shifted[0, 0, 2] == image[0, 1, 0])
        #expect(shifted[0, 6, 4] == image[0, 5, 2])
    }

    @Test func randomCropShiftsStayWithinThePadding() {
        let dotImage = dot(x: 6, y: 5)
        for index in 0..<50 {
            let cropped = dotImage.augmented(by: RandomCrop(padding: 2), index: index)
            let spot = cropped.bright()
            #expect(spot.count <= 1)
            if let p = spot.first { #expect(abs(p[1] - 5) <= 2 && abs(p[2] - 6) <= 2) }
        }
    }

    @Test func fullResizedCropIsTheIdentity() {
        let image = rampImage(channels: 3)
        expectClose(image.augmented(by: RandomResizedCrop(scale: 1...1, ratio: 1...1)), image.warped(by: .identity))
        expectClose(image.augmented(by: RandomResizedCrop(scale: 1...1, ratio: 1...1)), image)
    }

    @Test func resizedCropZoomsIn() {
        // A quarter-area crop of a linear ramp has half its slope.
        let image = TestImage(height: 16, width: 16) { _, _, x in Float(x) }
        let zoomed = image.augmented(by: RandomResizedCrop(scale: 0.25...0.25, ratio: 1...1))
        let slope = (zoomed[0, 8, 12] - zoomed[0, 8, 4]) / 8
        #expect(abs(slope - 0.5) < 1e-4)
    }

    @Test func lensWithZeroCoefficientsIsTheIdentity() {
        let image = rampImage(channels: 3)
        #expect(image.augmented(by: LensDistortion(k1: 0...0, k2: 0...0)) == image)
        let lens = LensDistortion(k1: 0...0)
        #expect(image.transformed { view, scratch in lens.distort(view, k1: 0, k2: 0, scratch: scratch) } == image)
    }

    @Test(arguments: [Float(0.3), -0.2])
    func lensReadsTheSourceAtTheDistortedRadius(k1: Float) {
        // On a linear image the output is the function at r' = r(1 + k1 r² + k2 r⁴).
        let size = 21, k2: Float = 0.05
        let f = { (x: Float, y: Float) in 0.2 + 0.02 * x - 0.01 * y }
        let image = TestImage(height: size, width: size) { _, y, x in f(Float(x), Float(y)) }
        let lens = LensDistortion(k1: k1...k1, k2: k2...k2)
        let distorted = image.augmented(by: lens)
        let c = Float(size - 1) / 2, half = Float(size) / 2
        var checked = 0
        for y in 0..<size {
            for x in 0..<size {
                let dx = Float(x) - c, dy = Float(y) - c
                let r2 = (dx * dx + dy * dy) / (half * half)
                let factor = 1 + k1 * r2 + k2 * r2 * r2
                let sx = c + dx * factor, sy = c + dy * factor
                guard sx >= 0 && sx <= Float(size - 1) && sy >= 0 && sy <= Float(size - 1) else { continue }
                #expect(abs(distorted[0, y, x] - f(sx, sy)) < 1e-4)
                checked += 1
            }
        }
        #expect(checked > 100)
        // The centre never moves.
        #expect(abs(distorted[0, 10, 10] - image[0, 10, 10]) < 1e-6)
    }

    @Test func barrelPullsAnOuterDotInwards() {
        // Output radius r shows source radius r(1 + k r²) > r: a dot near the edge appears closer to the centre.
        let image = dot(x: 18, y: 10, height: 21, width: 21)
        let bent = image.augmented(by: LensDistortion(k1: 0.4...0.4))
        let mass = bent.pixels.enumerated().filter { $0.element > 0.05 }.map { $0.offset % 21 }
        #expect(!mass.isEmpty && mass.allSatisfy { $0 < 18 && $0 > 10 })
    }

    @Test func probabilityZeroIsTheIdentity() {
        let image = rampImage(channels: 3)
        let pipeline = AugmentationPipeline([
            HorizontalFlip(probability: 0), VerticalFlip(probability: 0), RandomCrop(padding: 3, probability: 0),
            RandomAffine(probability: 0, rotation: -30...30, scale: 0.5...2), LensDistortion(k1: -0.3...0.3, probability: 0),
            ColorJitter(brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.2, probability: 0),
            RandomErasing(probability: 0), Cutout(size: 4, probability: 0), RandomResizedCrop(probability: 0),
        ])
        for index in 0..<20 {
            let out = image.transformed { view, _ in pipeline.apply(to: view, seed: 5, epoch: 1, index: index) }
            #expect(out == image)
        }
    }

    @Test func probabilityOneAlwaysAndHalfSometimes() {
        let image = rampImage()
        var flipped = 0
        for index in 0..<400 {
            let out = image.transformed { view, _ in AugmentationPipeline([HorizontalFlip(probability: 0.5)]).apply(to: view, seed: 2, epoch: 0, index: index) }
            if out != image { flipped += 1 }
        }
        #expect(flipped > 150 && flipped < 250)
    }
}
