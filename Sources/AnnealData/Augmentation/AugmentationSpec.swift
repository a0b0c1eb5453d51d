/// An augmentation recipe parsed from text, as `anneal train --augment` takes it:
/// comma-separated items `NAME[:ARG[:KEY=VALUE…]]`, for example
/// `flip,crop:4,affine:rot=10:shear=5:scale=0.9-1.1,lens:0.1,erase:0.5,mixup:0.2`.
///
/// Per-sample items become the `pipeline`, in the order given; `mixup` and
/// `cutmix` become the `batchTransform` (one of them per batch when both are
/// given). Ranges are `LOW-HIGH`; a single value means ±value for angles, shifts
/// and lens coefficients, and 1±value for scale and stretch factors.
public struct AugmentationSpec: Sendable, CustomStringConvertible {
    /// The per-sample items, in the order given.
    public var pipeline: AugmentationPipeline
    /// `mixup` or `cutmix`, a `BatchTransformChoice` between them when both are
    /// given; nil for neither.
    public var batchTransform: (any BatchTransform)?

    /// A recipe from its parts; the defaults give an empty one.
    public init(pipeline: AugmentationPipeline = AugmentationPipeline(), batchTransform: (any BatchTransform)? = nil) {
        self.pipeline = pipeline
        self.batchTransform = batchTransform
    }

    /// Whether the recipe does nothing (no per-sample stage, no batch transform).
    public var isEmpty: Bool { pipeline.isEmpty && batchTransform == nil }

    /// The parts' descriptions joined by ", " (e.g. `hflip(p 0.5), crop(pad 4 zero)`), or "none".
    public var description: String {
        var parts = pipeline.stages.map(\.description)
        if let batchTransform { parts.append(batchTransform.description) }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    /// Every item name, with its positional argument and keys, for help texts.
    public static let grammar: [(name: String, argument: String, keys: [String])] = [
        ("flip", "P=0.5", ["p"]), ("hflip", "P=0.5", ["p"]), ("vflip", "P=0.5", ["p"]),
        ("crop", "PAD=4", ["pad", "mode", "fill", "p"]),
        ("resized-crop", "SCALE=0.08-1", ["scale", "ratio", "p"]),
        ("translate", "FRACTION=0.1", ["x", "y", "fill", "p"]),
        ("rotate", "DEGREES=15", ["fill", "p"]),
        ("scale", "RANGE=0.9-1.1", ["fill", "p"]),
        ("stretch", "RANGE=0.9-1.1", ["fill", "p"]),
        ("shear", "DEGREES=10", ["y", "fill", "p"]),
        ("affine", "", ["rot", "translate", "scale", "stretch", "shear", "sheary", "fill", "p"]),
        ("lens", "K1=0.1", ["k1", "k2", "fill", "p"]),
        ("jitter", "AMOUNT=0.2", ["brightness", "contrast", "saturation", "hue", "p"]),
        ("brightness", "AMOUNT=0.2", ["p"]), ("contrast", "AMOUNT=0.2", ["p"]),
        ("saturation", "AMOUNT=0.2", ["p"]), ("hue", "AMOUNT=0.05", ["p"]),
        ("erase", "P=0.5", ["area", "aspect", "count", "fill", "p"]),
        ("cutout", "SIZE=8", ["size", "count", "fill", "p"]),
        ("mixup", "ALPHA=0.2", ["alpha", "p"]),
        ("cutmix", "ALPHA=1", ["alpha", "p"]),
    ]

    /// The item names `parse` accepts, in `grammar` order (for error messages and help).
    public static var names: [String] { grammar.map(\.name) }

    /// Parses a spec; "" and "none" give an empty recipe.
    public static func parse(_ text: String) throws(AugmentationSpecError) -> AugmentationSpec {
        let trimmed = text.trimmingWhitespace
        if trimmed.isEmpty || trimmed == "none" { return AugmentationSpec() }
        var stages: [any Augmentation] = []
        var mixers: [any BatchTransform] = []
        for token in trimmed.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmingWhitespace }) {
            var item = try Item(token)
            switch item.name {
            case "flip", "hflip":
                stages.append(HorizontalFlip(probability: try item.probability(positional: 0.5)))
            case "vflip":
                stages.append(VerticalFlip(probability: try item.probability(positional: 0.5)))
            case "crop":
                let padding = try item.integer("pad", positional: true, default: 4, minimum: 0)
                let modeText = item.value("mode") ?? "zero"
                guard let mode = RandomCrop.Padding(rawValue: modeText) else {
                    throw item.error("bad mode '\(modeText)'", valid: RandomCrop.Padding.allCases.map(\.rawValue))
                }
                stages.append(RandomCrop(padding: padding, mode: mode, fill: try item.number("fill", default: 0),
                                         probability: try item.probability()))
            case "resized-crop":
                let scale = try item.range("scale", positional: true, default: 0.08...1, single: .upTo1, within: 0.001...1)
                let ratio = try item.range("ratio", default: 0.75...(4.0 / 3), single: .reciprocal, within: 0.01...100)
                stages.append(RandomResizedCrop(scale: scale, ratio: ratio, probability: try item.probability()))
            case "translate":
                let both = try item.range("x", positional: true, default: -0.1...0.1, single: .symmetric, within: -1...1)
                let y = try item.range("y", default: both, single: .symmetric, within: -1...1)
                stages.append(RandomAffine(probability: try item.probability(), translateX: both, translateY: y,
                                           fill: try item.number("fill", default: 0)))
            case "rotate":
                stages.append(RandomAffine(probability: try item.probability(),
                                           rotation: try item.range("degrees", positional: true, default: -15...15, single: .symmetric, within: -360...360),
                                           fill: try item.number("fill", default: 0)))
            case "scale":
                stages.append(RandomAffine(probability: try item.probability(),
                                           scale: try item.range("range", positional: true, default: 0.9...1.1, single: .aroundOne, within: 0.01...100),
                                           fill: try item.number("fill", default: 0)))
            case "stretch":
                stages.append(RandomAffine(probability: try item.probability(),
                                           stretch: try item.range("range", positional: true, default: 0.9...1.1, single: .aroundOne, within: 0.01...100),
                                           fill: try item.number("fill", default: 0)))
            case "shear":
                stages.append(RandomAffine(probability: try item.probability(),
                                           shearX: try item.range("degrees", positional: true, default: -10...10, single: .symmetric, within: -80...80),
                                           shearY: try item.range("y", default: 0...0, single: .symmetric, within: -80...80),
                                           fill: try item.number("fill", default: 0)))
            case "affine":
                let translate = try item.range("translate", default: 0...0, single: .symmetric, within: -1...1)
                stages.append(RandomAffine(
                    probability: try item.probability(),
                    rotation: try item.range("rot", default: 0...0, single: .symmetric, within: -360...360),
                    translateX: translate, translateY: translate,
                    scale: try item.range("scale", default: 1...1, single: .aroundOne, within: 0.01...100),
                    stretch: try item.range("stretch", default: 1...1, single: .aroundOne, within: 0.01...100),
                    shearX: try item.range("shear", default: 0...0, single: .symmetric, within: -80...80),
                    shearY: try item.range("sheary", default: 0...0, single: .symmetric, within: -80...80),
                    fill: try item.number("fill", default: 0)))
            case "lens":
                stages.append(LensDistortion(k1: try item.range("k1", positional: true, default: -0.1...0.1, single: .symmetric, within: -1...1),
                                             k2: try item.range("k2", default: 0...0, single: .symmetric, within: -1...1),
                                             fill: try item.number("fill", default: 0), probability: try item.probability()))
            case "jitter":
                let amount = try item.number("amount", positional: true, default: 0.2, within: 0...10)
                stages.append(ColorJitter(brightness: try item.number("brightness", default: amount, within: 0...10),
                                          contrast: try item.number("contrast", default: amount, within: 0...10),
                                          saturation: try item.number("saturation", default: amount, within: 0...10),
                                          hue: try item.number("hue", default: 0, within: 0...0.5),
                                          probability: try item.probability()))
            case "brightness":
                stages.append(ColorJitter(brightness: try item.number("amount", positional: true, default: 0.2, within: 0...10), probability: try item.probability()))
            case "contrast":
                stages.append(ColorJitter(contrast: try item.number("amount", positional: true, default: 0.2, within: 0...10), probability: try item.probability()))
            case "saturation":
                stages.append(ColorJitter(saturation: try item.number("amount", positional: true, default: 0.2, within: 0...10), probability: try item.probability()))
            case "hue":
                stages.append(ColorJitter(hue: try item.number("amount", positional: true, default: 0.05, within: 0...0.5), probability: try item.probability()))
            case "erase":
                stages.append(RandomErasing(probability: try item.probability(positional: 0.5),
                                            area: try item.range("area", default: 0.02...0.33, single: .upTo1, within: 0.001...1),
                                            aspect: try item.range("aspect", default: 0.3...3.3, single: .reciprocal, within: 0.01...100),
                                            count: try item.integer("count", default: 1, minimum: 1),
                                            fill: try item.fill()))
            case "cutout":
                stages.append(Cutout(size: try item.integer("size", positional: true, default: 8, minimum: 1),
                                     count: try item.integer("count", default: 1, minimum: 1),
                                     fill: try item.fill(), probability: try item.probability()))
            case "mixup":
                mixers.append(Mixup(alpha: try item.number("alpha", positional: true, default: 0.2, within: 0.001...1000),
                                    probability: try item.probability()))
            case "cutmix":
                mixers.append(CutMix(alpha: try item.number("alpha", positional: true, default: 1, within: 0.001...1000),
                                     probability: try item.probability()))
            default:
                fatalError("AugmentationSpec: '\(item.name)' is in the grammar but has no builder")
            }
            try item.checkAllUsed()
        }
        let batchTransform: (any BatchTransform)? = mixers.isEmpty ? nil : mixers.count == 1 ? mixers[0] : BatchTransformChoice(mixers)
        return AugmentationSpec(pipeline: AugmentationPipeline(stages), batchTransform: batchTransform)
    }
}

/// One `NAME[:ARG[:KEY=VALUE…]]` item while it is being read: remembers which
/// keys were consumed so leftovers can be reported.
private struct Item {
    let token: String
    let name: String
    let keys: [String]
    var positional: String?
    var values: [String: String] = [:]
    var used: Set<String> = []
    var positionalUsed = false

    /// How a single value (not `LOW-HIGH`) turns into a range.
    enum Single { case symmetric, aroundOne, upTo1, reciprocal }

    init(_ token: String) throws(AugmentationSpecError) {
        self.token = token
        let parts = token.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let itemName = parts[0].trimmingWhitespace.lowercased()
        name = itemName
        guard !itemName.isEmpty else {
            throw AugmentationSpecError("empty augmentation item '\(token)' (two commas or a leading ':'); valid: \(AugmentationSpec.names.joined(separator: ", "))")
        }
        guard let entry = AugmentationSpec.grammar.first(where: { $0.name == itemName }) else {
            throw AugmentationSpecError("unknown augmentation '\(itemName)' in '\(token)'; valid: \(AugmentationSpec.names.joined(separator: ", "))")
        }
        keys = entry.keys
        for (offset, part) in parts.dropFirst().enumerated() {
            if let equals = part.firstIndex(of: "=") {
                let key = String(part[..<equals]).lowercased(), value = String(part[part.index(after: equals)...])
                guard keys.contains(key) else {
                    throw AugmentationSpecError("unknown key '\(key)' in '\(token)'; valid keys for \(name): \(keys.joined(separator: ", "))")
                }
                guard values[key] == nil else { throw AugmentationSpecError("key '\(key)' given twice in '\(token)'") }
                values[key] = value
            } else if offset == 0 && !entry.argument.isEmpty {
                positional = part
            } else {
                let expected = entry.argument.isEmpty ? "KEY=VALUE" : "\(name)[:\(entry.argument)][:KEY=VALUE…]"
                throw AugmentationSpecError("unexpected '\(part)' in '\(token)': expected \(expected); valid keys for \(name): \(keys.joined(separator: ", "))")
            }
        }
    }

    func error(_ problem: String, valid: [String]) -> AugmentationSpecError {
        AugmentationSpecError("\(problem) in '\(token)'; valid: \(valid.joined(separator: ", "))")
    }

    /// The text for `key`, or the positional argument when it stands for `key`
    /// (given both ways, the positional one stays unused and is reported).
    mutating func value(_ key: String, positional isPositional: Bool = false) -> String? {
        if let value = values[key] {
            used.insert(key)
            return value
        }
        if isPositional, let positional {
            positionalUsed = true
            return positional
        }
        return nil
    }

    mutating func number(_ key: String, positional: Bool = false, default fallback: Float,
                         within bounds: ClosedRange<Float> = -Float.greatestFiniteMagnitude...Float.greatestFiniteMagnitude) throws(AugmentationSpecError) -> Float {
        guard let text = value(key, positional: positional) else { return fallback }
        guard let v = Float(text), v.isFinite, bounds.contains(v) else {
            throw AugmentationSpecError("bad value '\(text)' for \(key) in '\(token)': expected a number in \(rangeText(bounds))")
        }
        return v
    }

    mutating func integer(_ key: String, positional: Bool = false, default fallback: Int, minimum: Int) throws(AugmentationSpecError) -> Int {
        guard let text = value(key, positional: positional) else { return fallback }
        guard let v = Int(text), v >= minimum, v <= 10_000 else {
            throw AugmentationSpecError("bad value '\(text)' for \(key) in '\(token)': expected an integer from \(minimum) to 10000")
        }
        return v
    }

    /// `p=…` (or the positional argument when it is the probability).
    mutating func probability(positional fallback: Float? = nil) throws(AugmentationSpecError) -> Float {
        try number("p", positional: fallback != nil, default: fallback ?? 1, within: 0...1)
    }

    /// `fill=VALUE` or `fill=noise`.
    mutating func fill() throws(AugmentationSpecError) -> EraseFill {
        guard let text = value("fill") else { return .value(0) }
        if text == "noise" { return .noise }
        guard let v = Float(text), v.isFinite else {
            throw AugmentationSpecError("bad value '\(text)' for fill in '\(token)': expected a number or 'noise'")
        }
        return .value(v)
    }

    mutating func range(_ key: String, positional: Bool = false, default fallback: ClosedRange<Float>, single: Single,
                        within bounds: ClosedRange<Float>) throws(AugmentationSpecError) -> ClosedRange<Float> {
        guard let text = value(key, positional: positional) else { return fallback }
        let bad = AugmentationSpecError("bad range '\(text)' for \(key) in '\(token)': expected LOW-HIGH or one number, within \(rangeText(bounds))")
        let result: ClosedRange<Float>
        if let (low, high) = Item.splitRange(text) {
            guard let a = Float(low), let b = Float(high), a.isFinite, b.isFinite, a <= b else { throw bad }
            result = a...b
        } else {
            guard let v = Float(text), v.isFinite else { throw bad }
            switch single {
            case .symmetric: result = -abs(v)...abs(v)
            case .aroundOne:
                guard abs(v) < 1 else { throw bad }
                result = (1 - abs(v))...(1 + abs(v))
            case .upTo1: result = v...v
            case .reciprocal:
                guard v > 0 else { throw bad }
                result = min(v, 1 / v)...max(v, 1 / v)
            }
        }
        guard bounds.contains(result.lowerBound) && bounds.contains(result.upperBound) else { throw bad }
        return result
    }

    /// "a-b" split at the first '-' that follows a digit or '.', so negative
    /// bounds and exponents ("-0.2-0.2", "1e-3-1") read correctly.
    static func splitRange(_ text: String) -> (String, String)? {
        let characters = Array(text)
        for i in characters.indices.dropFirst() where characters[i] == "-" {
            let previous = characters[i - 1]
            if previous.isNumber || previous == "." { return (String(characters[..<i]), String(characters[(i + 1)...])) }
        }
        return nil
    }

    func checkAllUsed() throws(AugmentationSpecError) {
        if let positional, !positionalUsed {
            throw AugmentationSpecError("unexpected '\(positional)' in '\(token)'; valid keys for \(name): \(keys.joined(separator: ", "))")
        }
        if let unused = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw AugmentationSpecError("unknown key '\(unused)' in '\(token)'; valid keys for \(name): \(keys.joined(separator: ", "))")
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
