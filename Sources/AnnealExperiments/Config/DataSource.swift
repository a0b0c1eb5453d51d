import AnnealData
import AnnealDistributed
import AnnealReports
import AnnealTraining

/// Where a run's images come from, written `KIND[:ARGUMENTS]` on the command line
/// (`--data`) and in `run.json`:
///
/// - `fashion-mnist`: the installed Fashion-MNIST (or `DataConfig.directory`);
/// - `imagefolder:PATH`: a folder per class (PNG, JPEG); its test images are a
///   sibling `test` or `val` folder, or `PATH/train` with `PATH/test` (or `PATH/val`);
/// - `npy:IMAGES.npy,LABELS.npy[:layout=nchw|nhwc]`: arrays (uint8 or float32);
/// - `idx:IMAGES,LABELS`: MNIST-style IDX files (raw or gzipped);
/// - `cifar10:DIR`: CIFAR-10's binary version (`data_batch_*.bin`, `test_batch.bin`).
public enum DataSource: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `fashion-mnist`: Fashion-MNIST, from `DataConfig.directory` or the installed copy.
    case fashionMNIST
    /// `imagefolder:PATH`: one subfolder of PNG or JPEG images per class.
    case imageFolder(path: String)
    /// `npy:IMAGES.npy,LABELS.npy`: image and label arrays; `layout` nil: detected from the shape.
    case npy(images: String, labels: String, layout: ArrayDataset.Layout?)
    /// `idx:IMAGES,LABELS`: MNIST-style IDX files, raw or gzipped.
    case idx(images: String, labels: String)
    /// `cifar10:DIR`: the directory of CIFAR-10's binary batches.
    case cifar10(directory: String)

    /// The spec forms, as listed in error messages and help.
    public static let kinds = ["fashion-mnist", "imagefolder:PATH", "npy:IMAGES.npy,LABELS.npy[:layout=nchw|nhwc]", "idx:IMAGES,LABELS", "cifar10:DIR"]

    /// Parses a spec; the error says what is wrong and lists the valid forms.
    public init(parsing spec: String) throws(ConfigError) {
        let (kind, argument) = spec.firstIndex(of: ":").map { (String(spec[..<$0]), String(spec[spec.index(after: $0)...])) } ?? (spec, "")
        func fail(_ problem: String) -> ConfigError {
            ConfigError(field: "data.dataset", "'\(spec)': \(problem); valid: \(Self.kinds.joined(separator: ", "))")
        }
        func pair(_ text: String) throws(ConfigError) -> (String, String) {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else { throw fail("\(kind) takes two files, IMAGES,LABELS") }
            return (parts[0], parts[1])
        }
        switch kind {
        case "fashion-mnist":
            guard argument.isEmpty else { throw fail("fashion-mnist takes no path (its directory is --data-dir)") }
            self = .fashionMNIST
        case "imagefolder":
            guard !argument.isEmpty else { throw fail("imagefolder needs a folder, imagefolder:PATH") }
            self = .imageFolder(path: argument)
        case "cifar10":
            guard !argument.isEmpty else { throw fail("cifar10 needs the directory of its .bin files, cifar10:DIR") }
            self = .cifar10(directory: argument)
        case "idx":
            let (images, labels) = try pair(argument)
            self = .idx(images: images, labels: labels)
        case "npy":
            var files = argument, layout: ArrayDataset.Layout? = nil
            if let colon = argument.lastIndex(of: ":"), argument[argument.index(after: colon)...].hasPrefix("layout=") {
                let name = String(argument[argument.index(colon, offsetBy: 8)...])
                guard let parsed = ArrayDataset.Layout(rawValue: name) else { throw fail("layout must be nchw or nhwc, not '\(name)'") }
                (files, layout) = (String(argument[..<colon]), parsed)
            }
            let (images, labels) = try pair(files)
            self = .npy(images: images, labels: labels, layout: layout)
        default:
            throw fail("unknown kind '\(kind)'")
        }
    }

    /// The spec as `init(parsing:)` reads it (what `run.json` holds).
    public var description: String {
        switch self {
        case .fashionMNIST: "fashion-mnist"
        case .imageFolder(let path): "imagefolder:\(path)"
        case .npy(let images, let labels, let layout): "npy:\(images),\(labels)" + (layout.map { ":layout=\($0.rawValue)" } ?? "")
        case .idx(let images, let labels): "idx:\(images),\(labels)"
        case .cifar10(let directory): "cifar10:\(directory)"
        }
    }

    /// The number of classes when the kind fixes it (nil: known once the data is read).
    public var knownClassCount: Int? {
        switch self {
        case .fashionMNIST, .cifar10: 10
        default: nil
        }
    }

    /// Whether the images come from an image folder (the only source `DataConfig.imageSize` resizes).
    public var isImageFolder: Bool {
        if case .imageFolder = self { return true }
        return false
    }

    /// Whether the source has its own test images (else evaluation needs a
    /// validation split or a test source).
    public var hasTestSplit: Bool {
        switch self {
        case .fashionMNIST, .cifar10: true
        case .imageFolder(let path): ImageFolder.layout(of: path).test != nil
        case .npy, .idx: false
        }
    }

    /// Decodes the spec string; an invalid spec is a `DecodingError.dataCorrupted` with the reason.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Encodes the spec string (`description`).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
