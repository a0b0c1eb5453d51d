import AnnealIO
import AnnealTensor
import AnnealTraining

/// Images as one picture: the augmentation preview's grid, the report's thumbnails.
public enum ImageGrid {
    /// Tiles rows of [columns, C, H, W] images (C = 1 grey or 3 RGB), values clamped
    /// from [0, 1] to bytes and enlarged `zoom` times, with grey gutters of `gap` pixels
    /// and, when there are several rows and `firstRowApart`, a wider one under the first.
    public static func tile(_ batches: [Tensor], sampleShape: [Int], zoom: Int, gap: Int = 2, firstRowApart: Bool = true) -> Bitmap {
        let (channels, height, width) = (sampleShape[0], sampleShape[1], sampleShape[2])
        let columns = batches[0].shape[0]
        let separator = batches.count > 1 && firstRowApart ? gap + 4 : gap, cellW = width * zoom, cellH = height * zoom
        let pixelChannels = channels == 3 ? 3 : 1
        let totalW = columns * cellW + (columns + 1) * gap
        let totalH = batches.count * cellH + (batches.count + 1) * gap + (separator - gap)
        var pixels = [UInt8](repeating: 110, count: totalW * totalH * pixelChannels)
        for (row, batch) in batches.enumerated() {
            let values = batch.scalars
            let top = gap + row * (cellH + gap) + (row > 0 ? separator - gap : 0)
            for column in 0..<columns {
                let left = gap + column * (cellW + gap)
                for y in 0..<cellH {
                    for x in 0..<cellW {
                        for c in 0..<pixelChannels {
                            let v = values[((column * channels + c) * height + y / zoom) * width + x / zoom]
                            pixels[((top + y) * totalW + left + x) * pixelChannels + c] = UInt8(max(0, min(255, (v * 255).rounded())))
                        }
                    }
                }
            }
        }
        return Bitmap(width: totalW, height: totalH, channels: pixelChannels, pixels: pixels)
    }
}
