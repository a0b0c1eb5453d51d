import AnnealData
import AnnealNN
import AnnealOptim
import AnnealTensor
import AnnealTraining
import Foundation

/// How a pipeline orders its micro-batches' passes within one step. Both have the
/// same bubble; they differ in how many micro-batches' activations a stage holds.
public enum PipelineSchedule: String, Codable, Sendable, CaseIterable {
    /// Every forward, then every backward (GPipe, Huang et al. 2019): a stage holds all M.
    case gpipe
    /// After a warm-up, one forward then one backward (PipeDream-Flush, Narayanan et
    /// al. 2021): stage s of S holds at most S − s.
    case oneForwardOneBackward = "1f1b"
}

/// Pipeline (model) parallelism: the model's chain of links is cut into contiguous
/// stages, one per rank, balanced by measured time. Each step's batch is split into
/// micro-batches; activations travel forward from stage to stage and their gradients
/// back; gradients add up over the micro-batches and each stage steps its own
/// parameters, so a step is the step of one process on the whole batch. Batch norm
/// normalizes each micro-batch with its own statistics (as GPipe does).
///
/// Stage s runs on rank S − 1 − s: rank 0, which prints and writes, holds the last
/// stage, the loss and the training metrics. Every rank loads the same batches (the
/// first stage reads the images, the last the labels). At the end of each epoch's
/// steps every rank receives every stage's weights (so evaluation is data-parallel
/// and rank 0 saves the whole model) and rank 0 the optimizer state of every stage
/// (so its checkpoints resume exactly).
public final class PipelineStage: TrainingCallback {
    /// The ranks the stages run on, one stage per rank.
    public let group: any ProcessGroup
    /// The number of stages: the group's size.
    public let stages: Int
    /// How many micro-batches each batch is split into (each batch's size, when smaller).
    public let microBatches: Int
    /// The order of the micro-batches' forward and backward passes.
    public let schedule: PipelineSchedule
    /// Links of the chain each stage holds, from the first stage to the last.
    public let partition: [Range<Int>]
    /// Measured seconds of forward and backward of each link, the partition's basis.
    public let linkSeconds: [Double]
    /// This rank's stage.
    public var stage: Int { stages - 1 - group.rank }
    /// Seconds computing, and waiting for neighbours (receiving, finishing sends), since `resetTimes()`.
    public private(set) var busySeconds = 0.0, idleSeconds = 0.0
    /// The most micro-batches whose activations this stage held at once.
    public private(set) var peakMicroBatchesHeld = 0
    /// The most bytes of its links' outputs (what backward keeps) this stage held at once.
    public private(set) var peakActivationBytes = 0

    let links: [ChainLink]
    /// Shape of one sample's activation entering each stage (index 0: the model's input).
    let boundaryShapes: [[Int]]
    /// Floats of one sample's outputs of this stage's links together.
    let activationFloatsPerSample: Int
    let model: Module
    /// Each stage's parameters and buffers, in the model's order.
    let stageParameters: [[Parameter]]
    let stageBuffers: [[Buffer]]

    private static let activationTag = 1, gradientTag = 2

    /// Cuts `model` into `group.size` stages. `sample` is one micro-batch of model
    /// inputs (preprocessed): the links are timed on it, and rank 0's times decide.
    public init(model: Module, group: any ProcessGroup, microBatches: Int, schedule: PipelineSchedule, sample: Tensor) throws {
        guard let chain = model as? any LayerChain else {
            throw ConfigError(field: "parallel.pipelineStages", "\(type(of: model)) is not a chain of layers, so it cannot be cut into stages")
        }
        let links = chain.links
        guard links.count >= group.size else {
            throw ConfigError(field: "parallel.pipelineStages", "\(group.size) stages for a model of \(links.count) links")
        }
        self.group = group
        self.stages = group.size
        self.microBatches = microBatches
        self.schedule = schedule
        self.model = model
        var seconds = Self.time(links, model: model, on: sample)
        try seconds.withUnsafeMutableBufferPointer { try group.broadcast($0, from: 0) }
        linkSeconds = seconds.map(Double.init)
        let partition = Self.balance(seconds.map(Double.init), into: group.size)
        self.partition = partition
        let (shapes, outputFloats) = Self.shapes(links, model: model, sampleShape: Array(sample.shape.dropFirst()), partition: partition)
        boundaryShapes = shapes
        activationFloatsPerSample = outputFloats[partition[group.size - 1 - group.rank]].reduce(0, +)
        self.links = Array(links[partition[group.size - 1 - group.rank]])
        func owned<T: AnyObject>(_ items: (Module) -> [T]) -> [[T]] {
            partition.map { range in
                var seen = Set<ObjectIdentifier>()
                return links[range].flatMap { $0.modules.flatMap(items) }.filter { seen.insert(ObjectIdentifier($0)).inserted }
            }
        }
        stageParameters = owned { $0.parameters }
        stageBuffers = owned { $0.namedBuffers().map(\.buffer) }
    }

    /// Contiguous stages whose largest total cost is as small as it can be (each at least one link).
    public static func balance(_ costs: [Double], into stages: Int) -> [Range<Int>] {
        let n = costs.count
        precondition(stages >= 1 && stages <= n, "PipelineStage.balance: \(stages) stages for \(n) links")
        let prefix = costs.reduce(into: [0.0]) { $0.append($0.last! + $1) }
        // best[k][i]: the smallest largest stage cost of the first i links in k stages; cut[k][i]: where the last stage starts.
        var best = [[Double]](repeating: [Double](repeating: .infinity, count: n + 1), count: stages + 1)
        var cut = [[Int]](repeating: [Int](repeating: 0, count: n + 1), count: stages + 1)
        best[0][0] = 0
        for k in 1...stages {
            for i in k...n {
                for j in (k - 1)..<i where best[k - 1][j] < .infinity {
                    let cost = max(best[k - 1][j], prefix[i] - prefix[j])
                    if cost < best[k][i] { best[k][i] = cost; cut[k][i] = j }
                }
            }
        }
        var ranges: [Range<Int>] = [], end = n
        for k in stride(from: stages, to: 0, by: -1) {
            ranges.insert(cut[k][end]..<end, at: 0)
            end = cut[k][end]
        }
        return ranges
    }

    /// Forward and backward seconds of each link on `sample` (the fastest of at least
    /// five runs and 20 ms) in training mode, as training runs them (batch norm's
    /// statistics cost time); the running statistics and random streams are put back
    /// afterwards. The last link's time includes the loss, which its stage computes too.
    static func time(_ links: [ChainLink], model: Module, on sample: Tensor) -> [Float] {
        let streams = model.randomStreams(), buffers = model.namedBuffers().map { ($0.buffer, $0.buffer.value) }
        defer {
            try! model.restoreRandomStreams(streams)
            for (buffer, value) in buffers { buffer.value = value }
            model.zeroGrad()
        }
        return model.withMode(training: true) { timeInTrainingMode(links, on: sample) }
    }

    private static func timeInTrainingMode(_ links: [ChainLink], on sample: Tensor) -> [Float] {
        var input = sample, seconds: [Float] = []
        let clock = ContinuousClock()
        for (i, link) in links.enumerated() {
            var fastest = Double.infinity, output = input, runs = 0
            let begun = clock.now
            while runs < 5 || (clock.now - begun).seconds < 0.02 {
                let started = clock.now
                // The model's input needs no gradient (the first link's backward is cheaper).
                output = link.apply(i == 0 ? input.detached() : input.detached().requiringGrad())
                if i == links.count - 1 && output.rank == 2 {
                    crossEntropy(output, labels: Array(repeating: 0, count: output.shape[0])).backward()
                } else if output.requiresGrad {
                    output.backward(.full(1, shape: output.shape))
                }
                fastest = min(fastest, (clock.now - started).seconds)
                runs += 1
            }
            seconds.append(Float(fastest))
            input = output.detached()
        }
        return seconds
    }

    /// The per-sample shape entering each stage and the size of each link's output,
    /// from one sample run through the links.
    static func shapes(_ links: [ChainLink], model: Module, sampleShape: [Int], partition: [Range<Int>]) -> ([[Int]], [Int]) {
        return model.withMode(training: false) { withoutGrad {
            var x = Tensor.zeros([1] + sampleShape), shapes: [[Int]] = [], outputs: [Int] = []
            for range in partition {
                shapes.append(Array(x.shape.dropFirst()))
                for link in links[range] {
                    x = link.apply(x)
                    outputs.append(x.count)
                }
            }
            return (shapes, outputs)
        } }
    }

    private func rank(ofStage s: Int) -> Int { stages - 1 - s }

    // MARK: One step

    /// One batch through the pipeline (the trainer's `forwardBackward`): its loss
    /// weighs `share` of the step. Returns the mean loss and the logits on the last stage, else nil.
    public func forwardBackward(_ batch: Batch, share: Float, trainer: Trainer) throws -> (loss: Float, logits: Tensor)? {
        let clock = ContinuousClock(), started = clock.now
        let idleBefore = idleSeconds
        defer { busySeconds += (clock.now - started).seconds - (idleSeconds - idleBefore) }
        let n = batch.count, m = min(microBatches, n)
        let bounds = (0...m).map { k in k * (n / m) + min(k, n % m) }
        let first = stage == 0, last = stage == stages - 1
        var held: [(input: Tensor?, output: Tensor)?] = Array(repeating: nil, count: m)
        var lossValue: Float = 0, logits: [Tensor] = []

        func forward(_ k: Int) throws {
            let rows = bounds[k]..<bounds[k + 1]
            let input: Tensor
            if first {
                input = trainer.preprocessing.apply(batch.inputs.slice(axis: 0, rows))
            } else {
                input = try receive([rows.count] + boundaryShapes[stage], from: stage - 1, tag: Self.activationTag).requiringGrad()
            }
            let output = links.reduce(input) { $1.apply($0) }
            if last {
                let micro = Batch(inputs: output, labels: Array(batch.labels[rows]), indices: Array(batch.indices[rows]),
                                  targets: batch.targets?.slice(axis: 0, rows))
                let loss = trainer.lossFunction(output, micro)
                let weight = Float(rows.count) / Float(n)
                lossValue += loss.item() * weight
                logits.append(output.detached())
                held[k] = (first ? nil : input, loss * (share * weight))
            } else {
                try send(output, to: stage + 1, tag: Self.activationTag)
                held[k] = (first ? nil : input, output)
            }
            let holding = held.indices.filter { held[$0] != nil }
            peakMicroBatchesHeld = max(peakMicroBatchesHeld, holding.count)
            let rowsHeld = holding.reduce(0) { $0 + bounds[$1 + 1] - bounds[$1] }
            peakActivationBytes = max(peakActivationBytes, 4 * rowsHeld * activationFloatsPerSample)
        }
        func backward(_ k: Int) throws {
            let (input, output) = held[k]!
            held[k] = nil
            if last {
                output.backward()
            } else {
                output.backward(try receive(output.shape, from: stage + 1, tag: Self.gradientTag))
            }
            if let input {
                try send(input.grad ?? .zeros(input.shape), to: stage - 1, tag: Self.gradientTag)
            }
        }

        switch schedule {
        case .gpipe:
            for k in 0..<m { try forward(k) }
            for k in 0..<m { try backward(k) }
        case .oneForwardOneBackward:
            let warmup = min(stages - 1 - stage, m)
            for k in 0..<warmup { try forward(k) }
            for k in 0..<(m - warmup) {
                try forward(warmup + k)
                try backward(k)
            }
            for k in (m - warmup)..<m { try backward(k) }
        }
        try idle { try group.completeSends() }
        return last ? (lossValue, Tensor.concat(logits)) : nil
    }

    private func send(_ tensor: Tensor, to stage: Int, tag: Int) throws {
        try tensor.withUnsafeBufferPointer { try group.send($0, to: rank(ofStage: stage), tag: tag) }
    }

    private func receive(_ shape: [Int], from stage: Int, tag: Int) throws -> Tensor {
        var values = [Float](repeating: 0, count: shape.reduce(1, *))
        try idle { try values.withUnsafeMutableBufferPointer { try group.receive($0, from: rank(ofStage: stage), tag: tag) } }
        return Tensor(values, shape: shape)
    }

    private func idle(_ body: () throws -> Void) throws {
        let clock = ContinuousClock(), started = clock.now
        try body()
        idleSeconds += (clock.now - started).seconds
    }

    /// Sets `busySeconds`, `idleSeconds`, `peakMicroBatchesHeld` and `peakActivationBytes` back to 0.
    public func resetTimes() {
        busySeconds = 0
        idleSeconds = 0
        peakMicroBatchesHeld = 0
        peakActivationBytes = 0
    }

    // MARK: Between epochs

    /// At `stepsEnd`, runs `gather(optimizer:)` with the trainer's optimizer; other events are ignored.
    public func handle(_ event: TrainingEvent, trainer: Trainer) throws {
        if case .stepsEnd = event { try gather(optimizer: trainer.optimizer) }
    }

    /// Gives every rank every stage's weights and batch-norm statistics, and rank 0
    /// every stage's optimizer state.
    public func gather(optimizer: Optimizer) throws {
        for s in 0..<stages {
            for p in stageParameters[s] {
                var values = p.value.scalars
                try values.withUnsafeMutableBufferPointer { try group.broadcast($0, from: rank(ofStage: s)) }
                if s != stage { p.assign(Tensor(values, shape: p.shape)) }
            }
            for buffer in stageBuffers[s] {
                var values = buffer.value.scalars
                try values.withUnsafeMutableBufferPointer { try group.broadcast($0, from: rank(ofStage: s)) }
                if s != stage { buffer.value = Tensor(values, shape: buffer.value.shape) }
            }
        }
        try gatherOptimizerState(optimizer)
    }

    /// Each other stage sends rank 0 its parameters' optimizer state: per parameter
    /// whether it has state and its step count, then its slots.
    private func gatherOptimizerState(_ optimizer: Optimizer) throws {
        let all = optimizer.parameters
        let index = Dictionary(uniqueKeysWithValues: all.enumerated().map { (ObjectIdentifier($1), $0) })
        let slots = optimizer.slotNamesByParameter
        var state = optimizer.stateDict()
        for s in 0..<(stages - 1) {
            let indices = stageParameters[s].compactMap { index[ObjectIdentifier($0)] }
            if stage == s {
                var header: [Float] = []
                for i in indices { header += state["\(i).step"].map { [1, $0.scalars[0]] } ?? [0, 0] }
                try header.withUnsafeBufferPointer { try group.send($0, to: 0, tag: Self.activationTag) }
                for i in indices where state["\(i).step"] != nil {
                    for name in slots[i] { try send(state["\(i).\(name)"]!, to: stages - 1, tag: Self.activationTag) }
                }
                try group.completeSends()
            } else if group.rank == 0 {
                var header = [Float](repeating: 0, count: 2 * indices.count)
                try header.withUnsafeMutableBufferPointer { try group.receive($0, from: rank(ofStage: s), tag: Self.activationTag) }
                for (j, i) in indices.enumerated() {
                    state = state.filter { !$0.key.hasPrefix("\(i).") }
                    guard header[2 * j] == 1 else { continue }
                    state["\(i).step"] = Tensor(header[2 * j + 1])
                    for name in slots[i] { state["\(i).\(name)"] = try receive(all[i].shape, from: s, tag: Self.activationTag) }
                }
            }
        }
        if group.rank == 0 { try optimizer.loadStateDict(state) }
    }
}
