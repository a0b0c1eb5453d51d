import Foundation

/// Random brightness and contrast (any channel count) and saturation and hue
/// (3-channel RGB only; ignored otherwise), on images with values in [0, 1].
///
/// Factors follow torchvision: brightness b scales values by a factor in
/// [1−b, 1+b]; contrast c blends with the mean grey level by a factor in
/// [1−c, 1+c]; saturation s blends with the grey image; hue h rotates the
/// chroma (YIQ's I/Q plane) by up to ±h turns. Results are clamped to [0, 1].
public struct ColorJitter: Augmentation {
    /// Chance per sample that the jitter runs (1 by default).
    public var probability: Float
    /// Brightness amount b: values are scaled by a factor in [1−b, 1+b] (0: off).
    public var brightness: Float
    /// Contrast amount c: values move away from or towards the mean grey level by a
    /// factor in [1−c, 1+c] (0: off).
    public var contrast: Float
    /// Saturation amount s: colours move away from or towards their grey by a factor
    /// in [1−s, 1+s]; RGB only (0: off).
    public var saturation: Float
    /// Hue rotation of up to ±`hue` turns, in [0, 0.5]; RGB only (0: off).
    public var hue: Float

    /// A jitter with the given amounts (all 0, off, by default); traps when an amount
    /// is negative or `hue` lies outside [0, 0.5].
    public init(brightness: Float = 0, contrast: Float = 0, saturation: Float = 0, hue: Float = 0, probability: Float = 1) {
        precondition(brightness >= 0 && contrast >= 0 && saturation >= 0 && (0...0.5).contains(hue),
                     "ColorJitter: brightness, contrast, saturation must be ≥ 0 and hue in [0, 0.5]")
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
        self.probability = probability
    }

    /// Draws all four factors, then adjusts brightness, contrast, saturation and hue
    /// in that order, clamping to [0, 1] after each.
    public func apply(to image: ImageView, scratch: UnsafeMutablePointer<Float>, random: inout SampleRandom) {
        let n = image.count, pixels = image.pixels
        let rgb = image.channels == 3, plane = image.planeSize
        // Draw every factor, used or not, so the stream layout is fixed.
        let b = random.uniform(max(0, 1 - brightness)...(1 + brightness))
        let c = random.uniform(max(0, 1 - contrast)...(1 + contrast))
        let s = random.uniform(max(0, 1 - saturation)...(1 + saturation))
        let h = random.uniform(-hue...hue)
        if brightness > 0 {
            for i in 0..<n { pixels[i] = min(1, max(0, pixels[i] * b)) }
        }
        if contrast > 0 {
            // The mean grey level: luma for RGB, the plain mean otherwise.
            var sum: Float = 0
            if rgb {
                for i in 0..<plane { sum += 0.299 * pixels[i] + 0.587 * pixels[plane + i] + 0.114 * pixels[2 * plane + i] }
            } else {
                for i in 0..<n { sum += pixels[i] }
            }
            let mean = sum / Float(rgb ? plane : n)
            for i in 0..<n { pixels[i] = min(1, max(0, mean + (pixels[i] - mean) * c)) }
        }
        guard rgb else { return }
        let red = pixels, green = pixels + plane, blue = pixels + 2 * plane
        if saturation > 0 {
            for i in 0..<plane {
                let grey = 0.299 * red[i] + 0.587 * green[i] + 0.114 * blue[i]
                red[i] = min(1, max(0, grey + (red[i] - grey) * s))
                green[i] = min(1, max(0, grey + (green[i] - grey) * s))
                blue[i] = min(1, max(0, grey + (blue[i] - grey) * s))
            }
        }
        if hue > 0 && h != 0 {
            let angle = 2 * Float.pi * h
            let cosine = cosf(angle), sine = sinf(angle)
            for i in 0..<plane {
                let y = 0.299 * red[i] + 0.587 * green[i] + 0.114 * blue[i]
                let i0 = 0.596 * red[i] - 0.274 * green[i] - 0.322 * blue[i]
                let q0 = 0.211 * red[i] - 0.523 * green[i] + 0.312 * blue[i]
                let i1 = cosine * i0 - sine * q0, q1 = sine * i0 + cosine * q0
                red[i] = min(1, max(0, y + 0.956 * i1 + 0.621 * q1))
                green[i] = min(1, max(0, y - 0.272 * i1 - 0.647 * q1))
                blue[i] = min(1, max(0, y - 1.106 * i1 + 1.703 * q1))
            }
        }
    }

    /// `jitter(…)` listing the non-zero amounts, and the probability when below 1.
    public var description: String {
        var parts: [String] = []
        if brightness > 0 { parts.append("brightness \(brightness)") }
        if contrast > 0 { parts.append("contrast \(contrast)") }
        if saturation > 0 { parts.append("saturation \(saturation)") }
        if hue > 0 { parts.append("hue \(hue)") }
        return "jitter(" + (parts.isEmpty ? "none" : parts.joined(separator: ", ")) + probabilityText(probability) + ")"
    }
}
