import Anneal
import ArgumentParser
import Foundation

/// The benchmark models of issue 8, exactly as the PyTorch reference builds them.
enum BenchModel: String, CaseIterable, ExpressibleByArgument {
    case mlpS = "mlp-s", mlpL = "mlp-l", cnn, resnet20, fast

    /// The preset configuration with the reference's architecture (no stochastic depth, no zero-γ).
    var config: ModelConfig {
        var c: ModelConfig
        switch self {
        case .mlpS: c = ModelConfig(name: .mlp); c.hidden = [256]
        case .mlpL: c = ModelConfig(name: .mlp); c.hidden = [1024, 1024]
        case .cnn: c = ModelConfig(name: .cnn)
        case .resnet20: c = ModelConfig(name: .resnet20); c.zeroInitResidual = false; c.stochasticDepth = 0
        case .fast: c = ModelConfig(name: .fast); c.widths = [16, 32, 64, 128]
        }
        return c
    }

    /// Multiply-adds of the first layer (its input needs no gradient).
    var firstLayerMACs: Double {
        switch self {
        case .mlpS: 784 * 256
        case .mlpL: 784 * 1024
        case .cnn: 225_792
        case .resnet20: 112_896
        case .fast: 112_896
        }
    }

    /// Multiply-adds of one forward pass for one image.
    var forwardMACs: Double {
        switch self {
        case .mlpS: 784 * 256 + 256 * 10
        case .mlpL: 784 * 1024 + 1024 * 1024 + 1024 * 10
        // conv1 32·9·28², conv2 64·32·9·14², fc 3136·128 + 128·10
        case .cnn: 225_792 + 3_612_672 + 401_408 + 1_280
        // stem, 3 stages of 6 3×3 convs (+ two 1×1 projections), classifier
        case .resnet20: 112_896 + 10_838_016 + 10_035_200 + 10_035_200 + 640
        // widths 16/32/64/128: stem 16·9·28², per block 3×3 convs at 28/14, 14/7, 7/3 pixels, classifier 128·10
        case .fast: 112_896 + 3_612_672 + 1_806_336 + 3_612_672 + 1_806_336 + 3_612_672 + 1_327_104 + 1_280
        }
    }
}

struct TrainBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Training and evaluation throughput (SGD momentum 0.9, weight decay 5e-4, cross-entropy) on random 28×28 images.")

    @Option(help: "Model: \(BenchModel.allCases.map(\.rawValue).joined(separator: ", ")).") var model: BenchModel = .mlpS
    @Option(help: "Batch size.") var batchSize = 128
    @Option(help: "Timed steps (after warm-up).") var steps = 50
    @Option(help: "Data parallelism: N ranks under mpirun on this machine, each with --threads threads (default 1) and --batch-size images per step.")
    var ranks: Int?
    @Option(help: "Data parallelism: gradients are all-reduced in buckets of at most this many MiB, each started as soon as backward completes it.")
    var bucketMb: Double = 25
    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        let group = try processGroup()
        if let ranks, ranks > 1, !group.isDistributed {
            return try runUnderMPI(ranks: ranks, threadsPerRank: try threadOptions.counts().first ?? 1)
        }
        let allReduce = GradientAllReduce(group: group, bucketBytes: Int(bucketMb * 1_048_576))
        for threads in group.isDistributed ? [Threads.count] : try threadOptions.counts() {
            Threads.count = threads
            let network = try GlobalRandom.withSeed(0) { try model.config.makeModel() }
            let optimizer = try OptimizerConfig(name: .sgd, learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4).makeOptimizer(for: network)
            var generator = RandomGenerator(seed: 1)
            let inputs = Tensor.uniform([batchSize, 1, 28, 28], using: &generator)
            let labels = (0..<batchSize).map { $0 % 10 }
            var communication: Double = 0, total: Double = 0, stepsTaken = 0
            func trainStep() {
                stepsTaken += 1
                let stepStarted = ContinuousClock.now
                defer { total += (ContinuousClock.now - stepStarted).seconds }
                optimizer.zeroGrad()
                // Buckets start during backward; what remains after it is the communication not hidden.
                allReduce.beginStep(network.trainableParameters)
                crossEntropy(network(inputs), labels: labels).backward()
                let started = ContinuousClock.now
                try! allReduce.finishStep()
                communication += (ContinuousClock.now - started).seconds
                optimizer.step()
            }
            let trainSeconds = medianSeconds(repeats: 5, warmup: 1) { for _ in 0..<steps { trainStep() } } / Double(steps)
            let communicationShare = communication / total
            network.eval()
            let evalSeconds = medianSeconds(repeats: 5, warmup: 1) {
                // As `Evaluator` runs a pass: no graph, weights packed once for the GEMM.
                withoutGrad { withPackedWeights { for _ in 0..<steps { _ = network(inputs) } } }
            } / Double(steps)
            let trainRate = Double(batchSize * group.size) / trainSeconds
            guard group.isWriter else { continue }
            // Forward, weight gradients, and input gradients for every layer but the first.
            let trainFLOPs = 2 * model.forwardMACs * 3 - 2 * model.firstLayerMACs
            printJSON(["framework": "anneal", "model": model.rawValue, "batch": batchSize, "ranks": group.size, "threads": threads,
                       "allreduce_percent": communicationShare * 100, "buckets": allReduce.bucketsStarted / max(1, stepsTaken),
                       "buckets_started_during_backward_percent": Double(allReduce.bucketsOverlapped) / Double(max(1, allReduce.bucketsStarted)) * 100,
                       "train_images_per_s": trainRate, "eval_images_per_s": Double(batchSize) / evalSeconds,
                       "gflops": trainFLOPs * trainRate / 1e9, "peak_rss_mb": peakResidentMegabytes()])
        }
    }
}

/// Peak resident set size of this process (VmHWM).
func peakResidentMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
    return kilobytes / 1024
}
