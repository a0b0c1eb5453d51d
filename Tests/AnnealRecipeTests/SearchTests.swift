import AnnealData
import AnnealDistributed
import AnnealExperiments
import AnnealIO
import AnnealNN
import AnnealOptim
import AnnealReports
import AnnealTensor
import AnnealTraining
import Foundation
import Testing

private let exampleSpec = "lr=log(1e-4,1),weight-decay=log(1e-6,1e-2),dropout=uniform(0,0.6),batch-size=choice(64,128,256)"

@Suite struct SearchSpaceTests {
    @Test func parsesTheIssueExample() throws {
        let space = try SearchSpace.parse(exampleSpec)
        #expect(space.dimensions.map(\.name) == ["lr", "weight-decay", "dropout", "batch-size"])
        #expect(space.dimensions[0].distribution == .log(1e-4, 1))
        #expect(space.dimensions[2].distribution == .uniform(0, 0.6))
        #expect(space.dimensions[3].distribution == .choice(["64", "128", "256"]))
        #expect(try SearchSpace.parse("--epochs=int(1, 5)").dimensions[0] == .init(name: "epochs", distribution: .int(1, 5)))
    }

    @Test func rejectsBadSpecs() {
        for bad in ["", "lr", "lr=log(0,1)", "lr=log(1,0.1)", "lr=normal(0,1)", "lr=uniform(1)", "a=choice()", "a=log(1e-3,1),a=log(1e-3,1)", "lr=log(1e-3,1"] {
            #expect(throws: SearchSpecError.self, "\(bad)") { try SearchSpace.parse(bad) }
        }
    }

    /// Fuzzing regressions: a grid over twenty dimensions (3^20 points) is not built
    /// whole, and int bounds near ±2^63 no longer overflow when sampled.
    @Test func largeGridsAndExtremeIntsStayBounded() throws {
        let spec = (0..<20).map { "d\($0)=uniform(0,1)" }.joined(separator: ",")
        let grid = try SearchSpace.parse(spec).grid(points: 3, limit: 5)
        #expect(grid.count == 5 && grid[1]["d19"] == "0.5" && grid[1]["d0"] == "0")
        #expect(throws: SearchSpecError.self) { try SearchSpace.parse("n=int(-9223372036854775807,9223372036854775807)") }
        // Int.min has no absolute value: the bound check itself trapped (CI fuzz pass).
        #expect(throws: SearchSpecError.self) { try SearchSpace.parse("n=int(-9223372036854775808,9223372036854775807)") }
    }

    @Test func samplesStayInRangeAndLogIsUniformInDecades() throws {
        let space = try SearchSpace.parse(exampleSpec)
        var random = SearchRandom(seed: 42)
        var belowHundredth = 0
        let n = 2000
        for _ in 0..<n {
            let c = space.sample(using: &random)
            let lr = Double(c["lr"]!)!, wd = Double(c["weight-decay"]!)!, dropout = Double(c["dropout"]!)!
            #expect(lr >= 1e-4 && lr <= 1)
            #expect(wd >= 1e-6 && wd <= 1e-2)
            #expect(dropout >= 0 && dropout <= 0.6)
            #expect(["64", "128", "256"].contains(c["batch-size"]!))
            if lr < 1e-2 { belowHundredth += 1 }
        }
        // Half of the four decades lie below 1e-2.
        #expect(abs(Double(belowHundredth) / Double(n) - 0.5) < 0.05)
        var a = SearchRandom(seed: 7), b = SearchRandom(seed: 7)
        #expect(space.sample(using: &a) == space.sample(using: &b))
    }

    @Test func gridNarrowingAndEdges() throws {
        let space = try SearchSpace.parse("lr=log(1e-4,1),dropout=uniform(0,0.6),batch-size=choice(64,128)")
        let grid = space.grid(points: 3)
        #expect(grid.count == 3 * 3 * 2)
        #expect(Set(grid.map { $0["lr"]! }) == ["0.0001", "0.01", "1"])
        let narrowed = space.narrowed(around: [["lr": "0.01", "dropout": "0.3", "batch-size": "64"],
                                               ["lr": "0.03", "dropout": "0.2", "batch-size": "64"]])
        guard case .log(let lo, let hi) = narrowed.dimensions[0].distribution else { Issue.record("not log"); return }
        #expect(lo < 0.01 && lo > 1e-4 && hi > 0.03 && hi < 1)
        #expect(narrowed.dimensions[2].distribution == .choice(["64"]))
        #expect(space.edgeWarnings(["lr": "0.00012", "dropout": "0.3"]).count == 1)
        #expect(space.edgeWarnings(["lr": "0.9", "dropout": "0.59"]).count == 2)
        #expect(space.edgeWarnings(["lr": "0.01", "dropout": "0.3"]).isEmpty)
    }
}

/// Counts the runs of a fake trial runner (thread-safe).
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var ids: [String] = []
    func add(_ id: String) { lock.lock(); ids.append(id); lock.unlock() }
}

/// Validation accuracy of a fake model: best at lr = 0.01.
private func fakeAccuracy(_ params: [String: String], epoch: Int) -> Double {
    let lr = Double(params["lr"]!)!
    return 0.9 - 0.05 * abs(log10(lr) + 2) - 0.1 / Double(epoch)
}

private func fakeRunner(_ counter: Counter) -> @Sendable (TrialRequest, @escaping @Sendable (Int, Double) -> Bool) throws -> SearchTrial {
    { request, report in
        counter.add(request.id)
        var epochs = 0, stopped = false
        for epoch in 1...request.epochs {
            epochs = epoch
            if !report(epoch, fakeAccuracy(request.params, epoch: epoch)) { stopped = epoch < request.epochs; break }
        }
        return SearchTrial(id: request.id, phase: request.phase, params: request.params, epochs: request.epochs, epochsRun: epochs,
                           valAccuracy: fakeAccuracy(request.params, epoch: epochs), stoppedEarly: stopped)
    }
}

@Suite struct SearchRunTests {
    private func tempLog() -> TrialLog {
        TrialLog(path: FileManager.default.temporaryDirectory.appendingPathComponent("anneal-trials-\(UUID().uuidString).jsonl").path)
    }

    @Test func interruptedSearchResumesWithoutRepeatingOrLosingTrials() throws {
        let log = tempLog()
        defer { try? FileManager.default.removeItem(atPath: log.path) }
        var search = HyperparameterSearch(space: try SearchSpace.parse("lr=log(1e-4,1),dropout=uniform(0,0.5)"), trials: 10, epochs: 2)
        search.workers = 3
        search.halving = nil
        let requests = search.coarseRequests()
        #expect(Set(requests.map(\.id)).count == 10)
        // The first run is interrupted after 4 trials, in the middle of writing a fifth line.
        let first = Counter()
        _ = try search.run(Array(requests.prefix(4)), log: log, runner: fakeRunner(first))
        let handle = FileHandle(forWritingAtPath: log.path)!
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"id\":\"coarse-4\",\"pha".utf8))
        try handle.close()
        #expect(log.load().count == 4)
        // Resume: the same requests (same seed), only the missing ones run.
        let second = Counter()
        let resumed = HyperparameterSearch(space: search.space, trials: 10, epochs: 2)
        #expect(resumed.coarseRequests().map(\.params) == requests.map(\.params))
        var again = resumed
        again.workers = 3
        again.halving = nil
        let all = try again.run(again.coarseRequests(), log: log, runner: fakeRunner(second))
        #expect(Set(second.ids) == Set(requests.dropFirst(4).map(\.id)))
        #expect(second.ids.count == 6)
        #expect(all.map(\.id) == requests.map(\.id))
        let logged = log.load()
        #expect(logged.count == 10)
        #expect(Set(logged.map(\.id)).count == 10)
        // A third run has nothing left to do.
        let third = Counter()
        _ = try again.run(again.coarseRequests(), log: log, runner: fakeRunner(third))
        #expect(third.ids.isEmpty)
    }

    @Test func refineNarrowsAroundTheBestAndRanksByAccuracy() throws {
        let log = tempLog()
        defer { try? FileManager.default.removeItem(atPath: log.path) }
        var search = HyperparameterSearch(space: try SearchSpace.parse("lr=log(1e-6,10)"), trials: 12, epochs: 1)
        search.refine = 3
        search.refineEpochs = 4
        search.workers = 2
        let counter = Counter()
        let coarse = try search.run(search.coarseRequests(), log: log, runner: fakeRunner(counter))
        let ranked = HyperparameterSearch.ranked(coarse)
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { ($0.valAccuracy ?? 0) >= ($1.valAccuracy ?? 0) })
        let (narrowed, refine) = search.refineRequests(after: coarse)
        #expect(refine.count == 3 && refine.allSatisfy { $0.epochs == 4 && $0.id.hasPrefix("refine-") })
        guard case .log(let lo, let hi) = narrowed.dimensions[0].distribution else { Issue.record("not log"); return }
        #expect(hi / lo < 1e7)
        let best = Double(ranked[0].params["lr"]!)!
        #expect(lo <= best && best <= hi)
    }

    @Test func successiveHalvingStopsTheWorseHalf() {
        let halving = SuccessiveHalving(eta: 2, minimumPeers: 3)
        for acc in [0.5, 0.6, 0.7, 0.8] { _ = halving.report(epoch: 1, accuracy: acc, of: 8) }
        #expect(!halving.report(epoch: 1, accuracy: 0.55, of: 8))
        #expect(halving.report(epoch: 1, accuracy: 0.75, of: 8))
        #expect(halving.report(epoch: 3, accuracy: 0.1, of: 8), "epoch 3 is not a rung")
        #expect(halving.report(epoch: 8, accuracy: 0.1, of: 8), "the last epoch never stops")
    }
}
