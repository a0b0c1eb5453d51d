extension Bitmap {
    /// The image with `channels` colour channels (1 gray or 3 RGB) and no alpha:
    /// alpha is dropped, gray is repeated into RGB, and RGB becomes gray by the
    /// ITU-R 601 luma weights (as PIL's `convert("L")`).
    public func converted(toChannels target: Int) -> Bitmap {
        precondition(target == 1 || target == 3, "Bitmap.converted: target must be 1 (gray) or 3 (RGB) channels, got \(target)")
        let colour = channels >= 3
        if channels == target { return self }
        var out = [UInt8](repeating: 0, count: width * height * target)
        for p in 0..<(width * height) {
            let base = p * channels
            switch (colour, target) {
            case (false, 1): out[p] = pixels[base]
            case (false, _): for c in 0..<3 { out[p * 3 + c] = pixels[base] }
            case (true, 3): for c in 0..<3 { out[p * 3 + c] = pixels[base + c] }
            case (true, _):
                // Integer luma with rounding: (299 R + 587 G + 114 B) / 1000.
                let r = Int(pixels[base]), g = Int(pixels[base + 1]), b = Int(pixels[base + 2])
                out[p] = UInt8((r * 299 + g * 587 + b * 114 + 500) / 1000)
            }
        }
        return Bitmap(width: width, height: height, channels: target, pixels: out)
    }
}
