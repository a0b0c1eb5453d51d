import AnnealData
import AnnealExperiments
import AnnealIO
import AnnealTensor
import AnnealTestSupport
import AnnealTraining
import Foundation
import Testing

/// Files written by earlier versions (Tests/Fixtures/README.md) keep working: every
/// preset's weights file loads, and a mid-run checkpoint resumes to the same end, to
/// the bit, as the same run did uninterrupted in the version that wrote it.
@Suite struct FixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    @Test(arguments: ["mlp", "cnn", "resnet20", "resnet32", "resnet56", "fast"])
    func everyPresetsWeightsFileLoads(preset: String) throws {
        let (model, config, _) = try WeightsFile.loadModel("\(Self.fixtures)/v1/weights/\(preset).safetensors")
        #expect(config.name.rawValue == preset)
        #expect(model.parameterCount > 0)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")))
    func aCheckpointOfAnEarlierVersionResumesToTheSameEnd() throws {
        let dir = TemporaryDirectory()
        for name in [Run.configFileName, Checkpoint.fileName, Checkpoint.previousFileName] {
            try FileManager.default.copyItem(atPath: "\(Self.fixtures)/v1/\(name)", toPath: dir.file(name))
        }
        let run = try Run.resume(directory: dir.path)
        let resumedAt = try #require(run.resumedFrom?.epochProgress)
        #expect(resumedAt.epoch == 0 && resumedAt.stepsDone == 6)
        try run.fit()
        let expected = try WeightsFile.read("\(Self.fixtures)/v1/uninterrupted.safetensors")
        let resumed = try WeightsFile.read(dir.file(Run.weightsFileName))
        #expect(resumed.model == expected.model)
        // The fixtures were written on AVX-512; other kernels (AVX2) round differently in the last bits.
        guard CPUFeatures.hasAVX512Core else {
            for (name, tensor) in expected.state {
                let mine = try #require(resumed.state[name]).scalars
                let difference = zip(mine, tensor.scalars).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +).squareRoot()
                let norm = tensor.scalars.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
                #expect(difference <= 1e-4 * max(norm, 1e-12), "\(name): ‖Δ‖/‖w‖ = \(difference / norm)")
            }
            return
        }
        #expect(resumed.state == expected.state)
        func withoutSeconds(_ path: String) throws -> [String] {
            let rows = String(decoding: try FileBytes.read(path), as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let keep = rows[0].indices.filter { rows[0][$0] != "seconds" }
            return rows.map { row in keep.map { String(row[$0]) }.joined(separator: ",") }
        }
        #expect(try withoutSeconds(dir.file("metrics.csv")) == (try withoutSeconds("\(Self.fixtures)/v1/uninterrupted-metrics.csv")))
    }
}
