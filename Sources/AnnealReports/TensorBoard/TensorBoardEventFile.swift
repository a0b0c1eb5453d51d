import AnnealIO
import AnnealTraining
import Foundation
import SwiftProtobuf

/// A TensorBoard event file: `Event` protocol buffers in record-file framing
/// (`RecordFile`), one file per process that writes a run. TensorBoard reads every
/// `events.out.tfevents.*` file of a directory, so a resumed run adds a new file
/// beside the old ones and never appends to (or trusts) an existing file.
public final class TensorBoardEventFile {
    /// The file written: `DIRECTORY/events.out.tfevents.SECONDS.HOST.PID.N`, N making it new.
    public let path: String
    private let writer: RecordFileWriter

    /// Creates `directory` if needed and a new event file in it, starting with the
    /// file-version record; throws when either cannot be created or written.
    public init(directory: String) throws {
        try Directory.create(directory)
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let stem = "\(directory)/\(Self.filePrefix)\(Int(Date().timeIntervalSince1970)).\(host).\(getpid())"
        var path = stem + ".0", n = 0
        while Directory.fileExists(path) { n += 1; path = "\(stem).\(n)" }
        self.path = path
        writer = try RecordFileWriter(path: path)
        var first = Tensorboard_Event()
        first.wallTime = Date().timeIntervalSince1970
        first.fileVersion = "brain.Event:2"
        try writer.write(Array(try first.serializedData()))
    }

    /// The name prefix TensorBoard looks for.
    public static let filePrefix = "events.out.tfevents."

    /// The event files in `directory`, in the order TensorBoard reads them (by name).
    public static func files(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(filePrefix) }.sorted()
            .map { "\(directory)/\($0)" }
    }

    /// Deletes every event file in `directory` (failures are ignored).
    public static func removeFiles(in directory: String) {
        for path in files(in: directory) { try? FileManager.default.removeItem(atPath: path) }
    }

    func write(_ values: [Tensorboard_Summary.Value], step: Int) throws {
        var event = Tensorboard_Event()
        event.wallTime = Date().timeIntervalSince1970
        event.step = Int64(step)
        var summary = Tensorboard_Summary()
        summary.value = values
        event.summary = summary
        try writer.write(Array(try event.serializedData()))
    }

    /// Marks a restart from a checkpoint: TensorBoard drops what earlier files logged at
    /// steps ≥ `step`, which the restarted run logs again.
    public func restart(at step: Int) throws {
        var event = Tensorboard_Event()
        event.wallTime = Date().timeIntervalSince1970
        event.step = Int64(step)
        var log = Tensorboard_SessionLog()
        log.status = .start
        event.sessionLog = log
        try writer.write(Array(try event.serializedData()))
    }

    /// One scalar at `step` (stored as a Float).
    public func scalar(_ tag: String, _ value: Double, step: Int) throws {
        try write([Self.value(tag) { $0.simpleValue = Float(value) }], step: step)
    }

    /// Several scalars of one step in one event.
    public func scalars(_ values: [(tag: String, value: Double)], step: Int) throws {
        try write(values.map { item in Self.value(item.tag) { $0.simpleValue = Float(item.value) } }, step: step)
    }

    /// A histogram of `values` in `buckets` equal-width buckets between their extremes
    /// (non-finite values are left out).
    public func histogram(_ tag: String, _ values: [Float], step: Int, buckets: Int = 30) throws {
        let finite = values.filter(\.isFinite).map(Double.init)
        guard let low = finite.min(), let high = finite.max() else { return }
        var histogram = Tensorboard_HistogramProto()
        histogram.min = low
        histogram.max = high
        histogram.num = Double(finite.count)
        histogram.sum = finite.reduce(0, +)
        histogram.sumSquares = finite.reduce(0) { $0 + $1 * $1 }
        let count = high > low ? buckets : 1, width = (high - low) / Double(count)
        var counts = [Double](repeating: 0, count: count)
        for v in finite { counts[min(count - 1, Int((v - low) / max(width, .leastNormalMagnitude)))] += 1 }
        histogram.bucketLimit = (1...count).map { $0 == count ? high : low + Double($0) * width }
        histogram.bucket = counts
        try write([Self.value(tag) { $0.histo = histogram }], step: step)
    }

    /// An image at `step`, PNG-encoded (TensorBoard's Images tab).
    public func image(_ tag: String, _ image: Bitmap, step: Int) throws {
        var picture = Tensorboard_Summary.Image()
        picture.height = Int32(image.height)
        picture.width = Int32(image.width)
        picture.colorspace = Int32(image.channels)
        picture.encodedImageString = Data(try image.encoded(path: tag))
        try write([Self.value(tag) { $0.image = picture }], step: step)
    }

    /// Markdown text (TensorBoard's Text tab).
    public func text(_ tag: String, _ text: String, step: Int) throws {
        var tensor = Tensorboard_TensorProto()
        tensor.dtype = .dtString
        tensor.stringVal = [Data(text.utf8)]
        var value = Self.value(tag) { $0.tensor = tensor }
        value.metadata.pluginData.pluginName = "text"
        try write([value], step: step)
    }

    /// The hparams plugin's record of one session: its hyperparameters when it
    /// starts, or its end (the HParams tab's table is built from these).
    public func hparams(start hyperparameters: [String: Any], metrics: [String]) throws {
        var experiment = Tensorboard_Hparams_Experiment()
        experiment.timeCreatedSecs = Date().timeIntervalSince1970
        var start = Tensorboard_Hparams_SessionStartInfo()
        start.startTimeSecs = Date().timeIntervalSince1970
        for (name, raw) in hyperparameters.sorted(by: { $0.key < $1.key }) {
            var info = Tensorboard_Hparams_HParamInfo()
            info.name = name
            var value = Google_Protobuf_Value()
            // JSON numbers may also cast to Bool; only a real Bool is one.
            if type(of: raw) == Bool.self, let b = raw as? Bool {
                value.boolValue = b; info.type = .bool
            } else if let n = raw as? NSNumber {
                value.numberValue = n.doubleValue; info.type = .float64
            } else {
                value.stringValue = "\(raw)"; info.type = .string
            }
            start.hparams[name] = value
            experiment.hparamInfos.append(info)
        }
        experiment.metricInfos = metrics.map { tag in
            var info = Tensorboard_Hparams_MetricInfo()
            info.name.tag = tag
            return info
        }
        var experimentData = Tensorboard_Hparams_HParamsPluginData()
        experimentData.experiment = experiment
        var startData = Tensorboard_Hparams_HParamsPluginData()
        startData.sessionStartInfo = start
        try write([try Self.hparamsValue("_hparams_/experiment", experimentData), try Self.hparamsValue("_hparams_/session_start_info", startData)], step: 0)
    }

    /// The end of the session `hparams(start:metrics:)` began, with its status
    /// (success or failure) and end time.
    public func hparamsEnd(success: Bool) throws {
        var end = Tensorboard_Hparams_SessionEndInfo()
        end.status = success ? .success : .failure
        end.endTimeSecs = Date().timeIntervalSince1970
        var data = Tensorboard_Hparams_HParamsPluginData()
        data.sessionEndInfo = end
        try write([try Self.hparamsValue("_hparams_/session_end_info", data)], step: 0)
    }

    /// Pushes what was written to the disk (at every epoch end: a live TensorBoard sees it).
    public func flush() throws { try writer.flush() }

    static func value(_ tag: String, _ fill: (inout Tensorboard_Summary.Value) -> Void) -> Tensorboard_Summary.Value {
        var value = Tensorboard_Summary.Value()
        value.tag = tag
        fill(&value)
        return value
    }

    static func hparamsValue(_ tag: String, _ data: Tensorboard_Hparams_HParamsPluginData) throws -> Tensorboard_Summary.Value {
        var value = value(tag) { v in
            var null = Tensorboard_TensorProto()
            null.dtype = .dtFloat
            null.floatVal = [0]
            v.tensor = null
        }
        value.metadata.pluginData.pluginName = "hparams"
        value.metadata.pluginData.content = try data.serializedData()
        return value
    }
}
