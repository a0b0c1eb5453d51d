import AnnealData
import AnnealIO
import AnnealTensor

/// What an augmentation spec does, as a picture: the original training images in
/// the first row and one augmented epoch per row below (Mixup/CutMix mix within each
/// row, as within a batch). `anneal augment-preview` writes it; TensorBoard shows it.
public enum AugmentationPreview {
    public static func grid(_ train: TensorDataset, spec: AugmentationSpec, seed: UInt64, first: Int = 0, columns: Int = 8,
                            rows: Int = 5, zoom: Int = 3) -> PNGImage {
        let columns = min(columns, train.count - first)
        precondition(first >= 0 && columns >= 1, "AugmentationPreview: no images from \(first) of \(train.count)")
        let originals = train.subset(Array(first..<(first + columns)))
        let loader = DataLoader(AugmentedDataset(originals, pipeline: spec.pipeline, seed: seed), batchSize: columns,
                                seed: seed, batchTransform: spec.batchTransform)
        let batches = [originals.samples] + (0..<rows).map { loader.batches(epoch: $0)[0].inputs }
        return tile(batches, sampleShape: originals.sampleShape, zoom: zoom)
    }

    /// Tiles rows of [columns, C, H, W] images, values clamped from [0, 1] to bytes,
    /// with grey gutters and a wider one under the first row.
    static func tile(_ batches: [Tensor], sampleShape: [Int], zoom: Int) -> PNGImage {
        let (channels, height, width) = (sampleShape[0], sampleShape[1], sampleShape[2])
        let columns = batches[0].shape[0]
        let gap = 2, separator = 6, cellW = width * zoom, cellH = height * zoom
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
        return PNGImage(width: totalW, height: totalH, channels: pixelChannels, pixels: pixels)
    }
}
