import Anneal
import ArgumentParser
import Foundation

/// Shows what an augmentation spec does: a PNG grid with the original training
/// images in the first row and one augmented epoch per row below (Mixup/CutMix
/// mix within each row, as within a batch).
struct AugmentPreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment-preview",
        abstract: "Write a PNG grid: original training images in the first row, augmented variants below.")

    @OptionGroup var data: DataOptions
    @Option(help: "Augmentation spec (as anneal train --augment).") var augment: String
    @Option(help: "Output PNG file.") var out = "augment-preview.png"
    @Option(help: "Images per row.") var columns = 8
    @Option(help: "Rows of augmented variants (one epoch each).") var rows = 5
    @Option(help: "Index of the first training image shown.") var first = 0
    @Option(help: "Random seed (as anneal train --seed).") var seed: UInt64 = 0
    @Option(help: "Screen pixels per image pixel.") var zoom = 3

    func validate() throws {
        guard (1...64).contains(columns), (1...64).contains(rows) else { throw ValidationError("--columns and --rows must be in 1...64") }
        guard (1...16).contains(zoom) else { throw ValidationError("--zoom must be in 1...16") }
        guard first >= 0 else { throw ValidationError("--first must not be negative") }
    }

    func run() throws {
        let spec: AugmentationSpec
        do { spec = try AugmentationSpec.parse(augment) } catch { throw AugmentationSpecError("--augment: \(error.message)") }
        let train = try reportingConfigErrors { try data.config().loadTrainingSet() }.dataset
        guard first + columns <= train.count else { throw ValidationError("--first \(first) + --columns \(columns) exceeds the \(train.count) training images") }
        let image = AugmentationPreview.grid(train, spec: spec, seed: seed, first: first, columns: columns, rows: rows, zoom: zoom)
        try image.write(to: out)
        print("wrote \(out): \(columns) originals and \(rows) augmented rows (\(spec))")
    }
}
