import AnnealIO
import AnnealTensor

/// Loose image files (PNG, JPEG) made into samples of one shape, for prediction:
/// each is resized to the model's height and width when it differs (as
/// `--image-size` resized the training images) and given its channel count.
public enum ImageFiles {
    /// Every PNG or JPEG file in `directory` and its subfolders, sorted by path.
    public static func find(in directory: String) throws -> [String] {
        var found: [String] = []
        for entry in try Directory.entries(directory) where !entry.name.hasPrefix(".") {
            let path = directory + "/" + entry.name
            if entry.isDirectory {
                found += try find(in: path)
            } else if ImageFolder.extensions.contains(entry.name.split(separator: ".").last.map { $0.lowercased() } ?? "") {
                found.append(path)
            }
        }
        return found
    }

    /// The files as an unlabelled dataset of `[N] + sampleShape` (`[C, H, W]`),
    /// decoded on all threads; the first unreadable file is an error naming it.
    public static func load(_ paths: [String], sampleShape: [Int]) throws -> TensorDataset {
        precondition(sampleShape.count == 3, "ImageFiles.load: sample shape must be [C, H, W], got \(sampleShape)")
        let (channels, height, width) = (sampleShape[0], sampleShape[1], sampleShape[2])
        guard channels == 1 || channels == 3 else {
            throw AnnealIOError(path: paths.first ?? "", "the model takes \(channels)-channel images; image files give 1 or 3")
        }
        let size = channels * height * width
        var samples = Tensor.zeros([paths.count] + sampleShape)
        var failures = [AnnealIOError?](repeating: nil, count: paths.count)
        samples.withUnsafeMutableBufferPointer { target in
            failures.withUnsafeMutableBufferPointer { failures in
                Threads.parallelFor(paths.count, grain: 16) { range in
                    for i in range {
                        do {
                            let image = try Bitmap.read(paths[i]).resized(width: width, height: height).converted(toChannels: channels)
                            ImageFolder.writeSample(image, into: target.baseAddress! + i * size)
                        } catch let error as AnnealIOError {
                            failures[i] = error
                        } catch {
                            failures[i] = AnnealIOError(path: paths[i], "\(error)")
                        }
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        return TensorDataset(unlabelled: samples)
    }
}
