import AnnealIO
import AnnealTensor

/// Images and labels from arrays a user saved: NumPy `.npy` files (uint8 pixels
/// scaled to [0, 1], or float32 taken as they are) and MNIST-style IDX files.
public enum ArrayDataset {
    /// How a 4-D image array orders its axes.
    public enum Layout: String, Codable, Sendable, CaseIterable {
        /// `nchw`: `[N, C, H, W]`, channels first (PyTorch); `nhwc`: `[N, H, W, C]`,
        /// channels last (TensorFlow, NumPy arrays of PIL images).
        case nchw, nhwc
    }

    /// Images `[N, H, W]`, `[N, C, H, W]` or `[N, H, W, C]` and integer labels `[N]`
    /// from .npy files. A 4-D array's layout is `layout`, or when nil whichever of
    /// NCHW and NHWC puts 1 or 3 channels in its place (an error if both or neither do).
    public static func loadNPY(images imagesPath: String, labels labelsPath: String?, layout: Layout? = nil) throws -> TensorDataset {
        let array = try NPYFile.readArray(imagesPath)
        let samples = try images(array, layout: layout, path: imagesPath)
        guard let labelsPath else { return TensorDataset(unlabelled: samples) }
        return try labelled(samples, labels: try NPYFile.readArray(labelsPath), labelsPath: labelsPath, imagesPath: imagesPath)
    }

    /// An IDX image file `[N, H, W]` (as `IDXDataset`) with an IDX or .npy label file.
    public static func loadIDX(images imagesPath: String, labels labelsPath: String) throws -> TensorDataset {
        if labelsPath.hasSuffix(".npy") {
            return try labelled(IDXDataset.images(imagesPath), labels: NPYFile.readArray(labelsPath), labelsPath: labelsPath, imagesPath: imagesPath)
        }
        return try IDXDataset.load(images: imagesPath, labels: labelsPath)
    }

    /// The images of an array as `[N, C, H, W]` floats.
    public static func images(_ array: NPYFile.Contents, layout: Layout?, path: String) throws -> Tensor {
        let shape = array.shape
        let scale: Float
        switch array.elementType {
        case .uint8: scale = 1 / 255
        case .float32, .float64: scale = 1
        default: throw AnnealIOError(path: path, "images must be uint8 (0…255) or float32, not \(array.elementType.name)")
        }
        var values = array.values
        if scale != 1 { for i in values.indices { values[i] = values[i] / 255 } }
        switch shape.count {
        case 3: return Tensor(values, shape: [shape[0], 1, shape[1], shape[2]])
        case 4:
            let channelsFirst = [1, 3].contains(shape[1]), channelsLast = [1, 3].contains(shape[3])
            guard let layout = layout ?? (channelsFirst == channelsLast ? nil : channelsFirst ? .nchw : .nhwc) else {
                throw AnnealIOError(path: path, "cannot tell whether the array \(shape) is NCHW or NHWC; state it (layout=nchw or layout=nhwc)")
            }
            let raw = Tensor(values, shape: shape)
            return layout == .nchw ? raw : raw.permute([0, 3, 1, 2])
        default:
            throw AnnealIOError(path: path, "images must be [N, H, W], [N, C, H, W] or [N, H, W, C], got shape \(shape)")
        }
    }

    private static func labelled(_ samples: Tensor, labels array: NPYFile.Contents, labelsPath: String, imagesPath: String) throws -> TensorDataset {
        guard array.shape.count == 1 else {
            throw AnnealIOError(path: labelsPath, "labels must be a 1-D array [N], got shape \(array.shape)")
        }
        guard array.shape[0] == samples.shape[0] else {
            throw AnnealIOError(path: labelsPath, "holds \(array.shape[0]) labels but \(imagesPath) holds \(samples.shape[0]) images")
        }
        guard ![.float32, .float64].contains(array.elementType) || array.values.allSatisfy({ $0 == $0.rounded() }) else {
            throw AnnealIOError(path: labelsPath, "labels must be whole numbers (class indices)")
        }
        do {
            return try TensorDataset(samples: samples, labels: array.values.map { Int($0) })
        } catch {
            throw AnnealIOError(path: labelsPath, error.message)
        }
    }
}
