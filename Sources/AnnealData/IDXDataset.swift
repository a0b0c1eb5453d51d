import AnnealIO
import AnnealTensor

/// Datasets from MNIST-format IDX files: an image file `[count, rows, cols]` of
/// bytes, and optionally a label file `[count]`. Pixels are scaled to [0, 1] and
/// samples get one channel: `[count, 1, rows, cols]`, PyTorch's NCHW.
///
/// File problems are thrown as `AnnealIOError` naming the file: IDX read errors as
/// `IDXFile` reports them, and mismatches between the two files against the label file.
public enum IDXDataset {
    /// A labelled dataset. `classCount` defaults to the largest label + 1.
    public static func load(images imagesPath: String, labels labelsPath: String, classCount: Int? = nil) throws -> TensorDataset {
        let samples = try images(imagesPath)
        let labels = try IDXFile.read(labelsPath)
        guard labels.dims.count == 1 else {
            throw AnnealIOError(path: labelsPath, "not a label file: expected 1 dimension [count], got \(labels.dims.count) (\(dimsText(labels.dims)))")
        }
        guard labels.dims[0] == samples.shape[0] else {
            throw AnnealIOError(path: labelsPath, "holds \(labels.dims[0]) labels but \(imagesPath) holds \(samples.shape[0]) images")
        }
        do {
            return try TensorDataset(samples: samples, labels: labels.bytes.map(Int.init), classCount: classCount)
        } catch {
            throw AnnealIOError(path: labelsPath, error.message)
        }
    }

    /// An unlabelled dataset, e.g. the images for `anneal predict --input FILE`.
    public static func load(images imagesPath: String) throws -> TensorDataset {
        TensorDataset(unlabelled: try images(imagesPath))
    }

    /// The images of an IDX file as a `[count, 1, rows, cols]` tensor in [0, 1].
    public static func images(_ path: String) throws -> Tensor {
        let array = try IDXFile.read(path)
        guard array.dims.count == 3 else {
            throw AnnealIOError(path: path, "not an image file: expected 3 dimensions [count, rows, cols], got \(array.dims.count) (\(dimsText(array.dims)))")
        }
        var pixels = Tensor.zeros([array.dims[0], 1, array.dims[1], array.dims[2]])
        array.bytes.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                let source = source.baseAddress!, target = target.baseAddress!
                Threads.parallelFor(array.bytes.count, grain: 1 << 16) { range in
                    // Division, not a reciprocal multiply, so 255 maps to exactly 1.
                    for i in range { target[i] = Float(source[i]) / 255 }
                }
            }
        }
        return pixels
    }

    static func dimsText(_ dims: [Int]) -> String { dims.map(String.init).joined(separator: "×") }
}
