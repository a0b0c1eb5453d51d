import AnnealTensor

/// A module that draws random numbers while training (dropout masks, DropConnect
/// masks, dropped residual branches, pooling regions) from a stream of its own.
/// Where each stream stands is part of a run's state: a checkpoint saves it so a
/// resumed run draws exactly what the uninterrupted one would have.
public protocol RandomDrawing: Module {
    /// The module's generator where it stands now: read it to checkpoint, set it to resume.
    var randomStream: RandomGenerator { get set }
    /// Whether it draws at all (a dropout of p = 0 does not): checkpoints keep
    /// the streams of the modules that draw.
    var drawsRandomNumbers: Bool { get }
}

extension RandomDrawing {
    /// True: unless it says otherwise, a conforming module draws.
    public var drawsRandomNumbers: Bool { true }
}

extension DropoutLayer: RandomDrawing {
    /// The generator of the dropout masks.
    public var randomStream: RandomGenerator { get { generator } set { generator = newValue } }
    /// Whether `probability` is above 0 (at 0 the layer is the identity and draws nothing).
    public var drawsRandomNumbers: Bool { probability > 0 }
}

extension BasicBlock: RandomDrawing {
    /// The generator of the stochastic-depth draws (which samples keep their residual branch).
    public var randomStream: RandomGenerator { get { generator } set { generator = newValue } }
    /// Whether `stochasticDepth` is above 0.
    public var drawsRandomNumbers: Bool { stochasticDepth > 0 }
}

extension FractionalMaxPool2d: RandomDrawing {
    /// The generator of the training-mode pooling regions.
    public var randomStream: RandomGenerator { get { generator } set { generator = newValue } }
}

/// Why saved random streams do not fit a model.
public struct RandomStreamMismatch: Error, CustomStringConvertible {
    /// What does not fit: other module names, or a stream seeded differently.
    public let description: String
}

extension Module {
    /// The random stream of every module below this one that draws, by the module's dotted name.
    public func randomStreams() -> [String: RandomGenerator] {
        var streams: [String: RandomGenerator] = [:]
        for (name, module) in namedModules() {
            if let drawing = module as? any RandomDrawing, drawing.drawsRandomNumbers { streams[name] = drawing.randomStream }
        }
        return streams
    }

    /// Puts saved streams back; throws, changing nothing, unless they name exactly
    /// this model's streams with the same seeds (the same model built the same way).
    public func restoreRandomStreams(_ streams: [String: RandomGenerator]) throws {
        let current = randomStreams()
        guard Set(current.keys) == Set(streams.keys) else {
            throw RandomStreamMismatch(description: "random streams do not fit the model: expected "
                + "\(current.keys.sorted()), found \(streams.keys.sorted())")
        }
        for (name, saved) in streams where saved.seed != current[name]!.seed || saved.stream != current[name]!.stream {
            throw RandomStreamMismatch(description: "random stream of '\(name)' was seeded differently (another seed or model)")
        }
        for (name, module) in namedModules() {
            guard let drawing = module as? any RandomDrawing, drawing.drawsRandomNumbers, let saved = streams[name] else { continue }
            drawing.randomStream = saved
        }
    }
}
