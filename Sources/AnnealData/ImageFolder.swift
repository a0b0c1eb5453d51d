import AnnealIO
import AnnealTensor

/// Images in a folder per class, as torchvision's `ImageFolder`:
/// `ROOT/CLASS/NAME.png` (or `.jpg`, `.jpeg`), the classes being the subfolders'
/// names in sorted order. PNG and JPEG, gray or colour, any mix.
///
/// Loading decodes every image once, on all threads: a corrupt file, an image of
/// another size (without a target size), an empty class folder is found before
/// training, not in its tenth epoch. A folder whose decoded pixels fit
/// `cacheBudget` stays in memory as bytes; a larger one keeps only its file list
/// and decodes each image again when read, on the loader's worker threads, so
/// memory stays bounded. Either way a sample is a pure function of its index, so
/// batches do not depend on the number of loader threads.
public struct ImageFolder: Dataset {
    /// The folder the dataset was loaded from, as given.
    public let root: String
    /// The images, class by class, each class's files sorted.
    public let files: [String]
    let labels: [Int]
    /// The class subfolders' names, sorted; label `i` is `classNames[i]`. Never nil
    /// for a loaded folder.
    public let classNames: [String]?
    /// `[channels, height, width]`: 3 channels when any image has colour, else 1.
    public let sampleShape: [Int]
    /// Every image's pixels as `[count, C, H, W]` bytes, or nil (decoded when read).
    let cache: [UInt8]?

    /// Number of images (those skipped as unreadable not counted).
    public var count: Int { files.count }
    /// Number of class subfolders.
    public var classCount: Int { classNames?.count ?? 0 }
    /// Whether the decoded pixels are held in memory (they fit the cache budget)
    /// rather than decoded again from the files on every read.
    public var isCached: Bool { cache != nil }

    /// The file name extensions read as images (PNG, JPEG), lower case; names are
    /// matched case-insensitively.
    public static let extensions = ["png", "jpg", "jpeg"]
    /// Decoded bytes kept in memory at most (a folder of 50,000 32×32 colour images takes 150 MB).
    public static let defaultCacheBudget = 1 << 30

    /// What `load` passed over with `skipBadImages`: each file and why.
    public typealias Skipped = [(path: String, reason: String)]

    /// Scans and checks the folder `root` (see the type's comment). `imageSize`
    /// `[height, width]` resizes every image to it; without it all images must have
    /// the first one's size. `skipBadImages` leaves out unreadable images (listed
    /// in the result) instead of failing on the first.
    public static func load(_ root: String, imageSize: [Int]? = nil, skipBadImages: Bool = false,
                            cacheBudget: Int = defaultCacheBudget) throws -> (dataset: ImageFolder, skipped: Skipped) {
        let (classes, files, labels) = try scan(root)
        if let imageSize { precondition(imageSize.count == 2 && imageSize.allSatisfy { $0 > 0 }, "ImageFolder: bad image size \(imageSize)") }

        // The first readable image sets the size; whether to keep the pixels follows from it (colour assumed).
        var reference: (path: String, image: Bitmap)? = nil
        for path in files where reference == nil {
            do { reference = (path, try Bitmap.read(path)) } catch where skipBadImages { continue }
        }
        guard let reference else { throw AnnealIOError(path: root, "no readable image") }
        let (height, width) = imageSize.map { ($0[0], $0[1]) } ?? (reference.image.height, reference.image.width)
        let keep = files.count * 3 * height * width <= cacheBudget

        // Decode everything, on all threads, into one slot per file.
        var outcomes = [Outcome](repeating: .failed(""), count: files.count)
        outcomes.withUnsafeMutableBufferPointer { slots in
            Threads.parallelFor(files.count, grain: 16) { range in
                for i in range { slots[i] = decode(files[i], size: (height, width), resize: imageSize != nil, keep: keep) }
            }
        }

        var kept: [Int] = [], skipped: Skipped = []
        var colour = false
        for (i, outcome) in outcomes.enumerated() {
            switch outcome {
            case .decoded(let channels, _):
                colour = colour || channels >= 3
                kept.append(i)
            case .wrongSize(let h, let w):
                throw AnnealIOError(path: files[i], "is \(w)×\(h) but \(reference.path) is \(width)×\(height); "
                                    + "give an image size to resize them all (--image-size HxW)")
            case .failed(let reason):
                guard skipBadImages else { throw AnnealIOError(path: files[i], reason + " (--skip-bad-images leaves such files out)") }
                skipped.append((files[i], reason))
            }
        }
        guard !kept.isEmpty else { throw AnnealIOError(path: root, "no readable image") }
        let keptLabels = kept.map { labels[$0] }
        if let empty = classes.indices.first(where: { !keptLabels.contains($0) }) {
            throw AnnealIOError(path: root + "/" + classes[empty], "class folder has no readable image")
        }

        let channels = colour ? 3 : 1
        var cache: [UInt8]? = nil
        if keep {
            let size = channels * height * width
            var pixels = [UInt8](repeating: 0, count: kept.count * size)
            pixels.withUnsafeMutableBufferPointer { target in
                for (row, i) in kept.enumerated() {
                    guard case .decoded(_, let bitmap?) = outcomes[i] else { continue }
                    planar(bitmap.converted(toChannels: channels), into: UnsafeMutableBufferPointer(rebasing: target[(row * size)...]))
                }
            }
            cache = pixels
        }
        let dataset = ImageFolder(root: root, files: kept.map { files[$0] }, labels: keptLabels, classNames: classes,
                                  sampleShape: [channels, height, width], cache: cache)
        return (dataset, skipped)
    }

    /// The class names (sorted subfolders) and every image file with its label.
    public static func scan(_ root: String) throws -> (classes: [String], files: [String], labels: [Int]) {
        guard Directory.isDirectory(root) else { throw AnnealIOError(path: root, "no such image folder") }
        let classes = try Directory.entries(root).filter { $0.isDirectory && !$0.name.hasPrefix(".") }.map(\.name)
        guard !classes.isEmpty else {
            throw AnnealIOError(path: root, "holds no class subfolders; an image folder is ROOT/CLASS/IMAGE.png (or .jpg)")
        }
        var files: [String] = [], labels: [Int] = []
        for (label, name) in classes.enumerated() {
            let folder = root + "/" + name
            let images = try Directory.entries(folder).filter { entry in
                !entry.isDirectory && extensions.contains(entry.name.split(separator: ".").last.map { $0.lowercased() } ?? "")
            }
            guard !images.isEmpty else {
                throw AnnealIOError(path: folder, "empty class folder: no \(extensions.map { "." + $0 }.joined(separator: ", ")) files")
            }
            files += images.map { folder + "/" + $0.name }
            labels += Array(repeating: label, count: images.count)
        }
        return (classes, files, labels)
    }

    /// The training and test folders a path names: `PATH/train` and `PATH/test` (or
    /// `PATH/val`) when PATH holds a `train` folder, else PATH and a sibling `test`
    /// or `val` folder, if there is one.
    public static func layout(of path: String) -> (train: String, test: String?) {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        func firstFolder(in parent: String) -> String? {
            ["test", "val"].map { parent + "/" + $0 }.first { Directory.isDirectory($0) && $0 != trimmed }
        }
        if Directory.isDirectory(trimmed + "/train") { return (trimmed + "/train", firstFolder(in: trimmed)) }
        let parent = trimmed.contains("/") ? String(trimmed[..<trimmed.lastIndex(of: "/")!]) : "."
        return (trimmed, firstFolder(in: parent.isEmpty ? "/" : parent))
    }

    private enum Outcome {
        /// Read fine; the bitmap (resized) when it is kept.
        case decoded(channels: Int, Bitmap?)
        case wrongSize(height: Int, width: Int)
        case failed(String)
    }

    private static func decode(_ path: String, size: (height: Int, width: Int), resize: Bool, keep: Bool) -> Outcome {
        do {
            var bitmap = try Bitmap.read(path)
            if resize {
                bitmap = bitmap.resized(width: size.width, height: size.height)
            } else if bitmap.height != size.height || bitmap.width != size.width {
                return .wrongSize(height: bitmap.height, width: bitmap.width)
            }
            return .decoded(channels: bitmap.channels, keep ? bitmap : nil)
        } catch let error as AnnealIOError {
            return .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Writes an interleaved bitmap as planes (CHW) of bytes.
    private static func planar(_ bitmap: Bitmap, into target: UnsafeMutableBufferPointer<UInt8>) {
        let plane = bitmap.width * bitmap.height, channels = bitmap.channels
        bitmap.pixels.withUnsafeBufferPointer { source in
            for p in 0..<plane { for c in 0..<channels { target[c * plane + p] = source[p * channels + c] } }
        }
    }

    /// The class of image `index`: its subfolder's position in `classNames`.
    public func label(at index: Int) -> Int { labels[index] }

    /// Writes image `index` as CHW floats in [0, 1] (byte / 255): from the cache, or
    /// by decoding its file again, resized and given the dataset's channels. Traps if
    /// the file has become unreadable since loading.
    public func copySample(at index: Int, into destination: UnsafeMutableBufferPointer<Float>) {
        let size = sampleSize
        precondition(destination.count == size, "ImageFolder.copySample: destination holds \(destination.count) floats, a sample has \(size)")
        if let cache {
            cache.withUnsafeBufferPointer { bytes in
                // Division, not a reciprocal multiply, so 255 maps to exactly 1 (as IDX files).
                for i in 0..<size { destination[i] = Float(bytes[index * size + i]) / 255 }
            }
            return
        }
        // The file was read at load time; failing now means it changed since.
        let bitmap: Bitmap
        do { bitmap = try Bitmap.read(files[index]) } catch { fatalError("\(error) (the image changed after the folder was loaded)") }
        let sized = bitmap.width == sampleShape[2] && bitmap.height == sampleShape[1]
            ? bitmap : bitmap.resized(width: sampleShape[2], height: sampleShape[1])
        Self.writeSample(sized.converted(toChannels: sampleShape[0]), into: destination.baseAddress!)
    }

    /// An interleaved 8-bit image as a CHW sample in [0, 1] (division, so 255 maps to exactly 1).
    static func writeSample(_ image: Bitmap, into destination: UnsafeMutablePointer<Float>) {
        let plane = image.width * image.height, channels = image.channels
        image.pixels.withUnsafeBufferPointer { source in
            for p in 0..<plane { for c in 0..<channels { destination[c * plane + p] = Float(source[p * channels + c]) / 255 } }
        }
    }
}
