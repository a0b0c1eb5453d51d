@testable import AnnealData
import AnnealIO
import AnnealTensor
import AnnealTestSupport
import Foundation

extension TemporaryDirectory {
    /// Writes an IDX file.
    @discardableResult
    func writeIDX(dims: [Int], bytes: [UInt8], to name: String, gzip: Bool = false) throws -> String {
        let target = file(name)
        try IDXFile.write(IDXArray(dims: dims, bytes: bytes), to: target, gzip: gzip)
        return target
    }
}

/// `n` samples of `shape` where sample i holds i*1000 + 0, 1, 2, … (each row is
/// recognisable), with labels i % classes.
func numberedDataset(_ n: Int, shape: [Int] = [2, 3], classes: Int = 3) -> TensorDataset {
    let size = shape.reduce(1, *)
    let values = (0..<n).flatMap { i in (0..<size).map { Float(i * 1000 + $0) } }
    return try! TensorDataset(samples: Tensor(values, shape: [n] + shape),
                              labels: (0..<n).map { $0 % classes }, classCount: classes)
}

/// The values of sample `i` of `numberedDataset`.
func numberedRow(_ i: Int, size: Int = 6) -> [Float] {
    (0..<size).map { Float(i * 1000 + $0) }
}
