import AnnealData
import AnnealIO
import AnnealTensor
import AnnealTraining

/// What an augmentation spec does, as a picture: the original training images in
/// the first row and one augmented epoch per row below (Mixup/CutMix mix within each
/// row, as within a batch). `anneal augment-preview` writes it; TensorBoard shows it.
public enum AugmentationPreview {
    /// The preview of `spec` on training images `first`, `first + 1`, …
    ///
    /// - Parameters:
    ///   - train: The training set, unaugmented.
    ///   - spec: The augmentation: the per-image pipeline and any batch transform (Mixup, CutMix).
    ///   - seed: The augmentation seed (the run's, to show what its epochs see).
    ///   - first: Index of the first image shown.
    ///   - columns: Images per row (fewer when the set has fewer from `first` on).
    ///   - rows: Augmented rows below the originals: epochs 0, 1, … of the augmentation.
    ///   - zoom: Enlargement factor of each image, in pixels per input pixel.
    /// - Returns: The grid picture, with grey gutters and the original row set apart.
    public static func grid(_ train: any Dataset, spec: AugmentationSpec, seed: UInt64, first: Int = 0, columns: Int = 8,
                            rows: Int = 5, zoom: Int = 3) -> Bitmap {
        let columns = min(columns, train.count - first)
        precondition(first >= 0 && columns >= 1, "AugmentationPreview: no images from \(first) of \(train.count)")
        let originals = TensorDataset(copying: train.subset(Array(first..<(first + columns))))
        let loader = DataLoader(AugmentedDataset(originals, pipeline: spec.pipeline, seed: seed), batchSize: columns,
                                seed: seed, batchTransform: spec.batchTransform)
        let batches = [originals.samples] + (0..<rows).map { loader.batches(epoch: $0)[0].inputs }
        return ImageGrid.tile(batches, sampleShape: originals.sampleShape, zoom: zoom)
    }
}
