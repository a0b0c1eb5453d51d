import AnnealIO
import AnnealTensor

/// Images to score or to take features of, named by paths: image files (PNG,
/// JPEG), folders of them (searched recursively), IDX image files and .npy arrays.
/// Image files are resized to the model's size and given its channels; arrays
/// must have the model's size already.
public enum ImageInputs {
    /// The images of `paths` (each may list several, separated by commas), in
    /// order, as unlabelled `[C, H, W]` samples of `sampleShape`; `names` are the
    /// file paths, or `FILE[i]` for array rows.
    public static func load(_ paths: [String], sampleShape: [Int]) throws -> (images: TensorDataset, names: [String]) {
        let paths = paths.flatMap { $0.split(separator: ",") }.map(String.init).filter { !$0.isEmpty }
        guard !paths.isEmpty else { throw DatasetError("no image file given") }
        var parts: [TensorDataset] = [], names: [String] = []
        var imageFiles: [String] = []
        // Consecutive image files decode together (in parallel, resized alike).
        func flushImageFiles() throws {
            guard !imageFiles.isEmpty else { return }
            parts.append(try ImageFiles.load(imageFiles, sampleShape: sampleShape))
            names += imageFiles
            imageFiles = []
        }
        for path in paths {
            let lower = path.lowercased()
            if Directory.isDirectory(path) {
                let found = try ImageFiles.find(in: path)
                guard !found.isEmpty else { throw DatasetError("\(path): no .png, .jpg or .jpeg files in this folder") }
                imageFiles += found
            } else if ImageFolder.extensions.contains(where: { lower.hasSuffix("." + $0) }) {
                imageFiles.append(path)
            } else {
                try flushImageFiles()
                let images = lower.hasSuffix(".npy")
                    ? try ArrayDataset.images(NPYFile.readArray(path), layout: nil, path: path)
                    : try IDXDataset.images(path)
                guard Array(images.shape.dropFirst()) == sampleShape else {
                    throw DatasetError("\(path): images are \(images.shape.dropFirst().map(String.init).joined(separator: "×")), "
                                       + "the model takes \(sampleShape.map(String.init).joined(separator: "×")) (C×H×W)")
                }
                parts.append(TensorDataset(unlabelled: images))
                names += (0..<images.shape[0]).map { "\(path)[\($0)]" }
            }
        }
        try flushImageFiles()
        guard parts.count > 1 else { return (parts[0], names) }
        return (TensorDataset(unlabelled: Tensor.concat(parts.map(\.samples), axis: 0)), names)
    }
}
