import AnnealNN
import AnnealTensor
import AnnealTestSupport
import Foundation
import Testing

@Suite struct LossTests {
    let logits = randomTensor([4, 5], seed: 11, low: -2, high: 2)
    let labels = [0, 3, 4, 3]

    func naiveLogSoftmax(_ row: [Float]) -> [Float] {
        let m = row.max()!
        let lse = m + logf(row.reduce(0) { $0 + expf($1 - m) })
        return row.map { $0 - lse }
    }

    var rows: [[Float]] { (0..<4).map { Array(logits.scalars[($0 * 5)..<($0 * 5 + 5)]) } }

    @Test func crossEntropyMatchesNaive() {
        let expected = zip(rows, labels).map { -naiveLogSoftmax($0)[$1] }
        expectClose([crossEntropy(logits, labels: labels).item()], [expected.reduce(0, +) / 4])
        expectClose([crossEntropy(logits, labels: labels, reduction: .sum).item()], [expected.reduce(0, +)])
        expectClose(crossEntropy(logits, labels: labels, reduction: .none).scalars, expected)
        let smoothed = zip(rows, labels).map { row, y -> Float in
            let lp = naiveLogSoftmax(row)
            return -(0..<5).reduce(0) { $0 + (($1 == y ? 0.9 : 0) + 0.1 / 5) * lp[$1] }
        }
        expectClose([crossEntropy(logits, labels: labels, labelSmoothing: 0.1).item()], [smoothed.reduce(0, +) / 4])
        let targets = Tensor.oneHot(labels, classes: 5)
        expectClose([crossEntropy(logits, targets: targets).item()], [expected.reduce(0, +) / 4])
        expectClose([nllLoss(logits.logSoftmax(axis: 1), labels: labels).item()], [expected.reduce(0, +) / 4])
        // Untrained uniform scores give ln C.
        expectClose([crossEntropy(.zeros([3, 10]), labels: [1, 2, 3]).item()], [logf(10)])
    }

    @Test func classWeightedCrossEntropy() {
        let weights: [Float] = [1, 0.5, 2, 3, 0.25]
        let plain = zip(rows, labels).map { -naiveLogSoftmax($0)[$1] }
        let total = labels.reduce(Float(0)) { $0 + weights[$1] }
        let expected = zip(plain, labels).reduce(Float(0)) { $0 + $1.0 * weights[$1.1] } / total
        expectClose([crossEntropy(logits, labels: labels, classWeights: weights).item()], [expected])
        expectClose(crossEntropy(logits, labels: labels, classWeights: weights, reduction: .none).scalars, zip(plain, labels).map { $0 * weights[$1] })
        // Probability targets: −Σ w_c t_c log p_c per sample, mean over the samples.
        expectClose([crossEntropy(logits, targets: Tensor.oneHot(labels, classes: 5), classWeights: weights).item()], [expected * total / 4])
        let balanced: [Float] = [0.375, 3.75, 15, 0]   // 90 / (3 · n_c); an empty class weighs 0
        #expect(balancedClassWeights(counts: [80, 8, 2, 0]) == balanced)
        checkGradients([logits]) { crossEntropy($0[0], labels: labels, classWeights: weights, labelSmoothing: 0.1, reduction: .none) }
        checkGradients([logits]) { crossEntropy($0[0], targets: Tensor.oneHot(labels, classes: 5) * 0.8 + 0.04, classWeights: weights, reduction: .none) }
    }

    @Test func hingeMatchesCS231n() {
        let expected = zip(rows, labels).map { row, y in
            (0..<5).filter { $0 != y }.reduce(Float(0)) { $0 + max(0, row[$1] - row[y] + 1) }
        }
        expectClose([multiclassHingeLoss(logits, labels: labels).item()], [expected.reduce(0, +) / 4])
        expectClose([multiclassHingeLoss(.zeros([2, 10]), labels: [0, 1]).item()], [9])
    }

    @Test func regressionAndBinaryLosses() {
        let p = Tensor([1, 2, 3]), t = Tensor([1.5, 2, 2])
        expectClose([mseLoss(p, t).item()], [(0.25 + 0 + 1) / 3])
        let x = Tensor([-30, -1, 0, 2, 40]), y = Tensor([0, 1, 1, 0, 1])
        let expected = zip(x.scalars, y.scalars).map { x, t -> Float in
            let s = 1 / (1 + exp(-Double(x)))
            return Float(-(Double(t) * log(max(s, 1e-300)) + Double(1 - t) * log(max(1 - s, 1e-300))))
        }
        expectClose(binaryCrossEntropyWithLogits(x, y, reduction: .none).scalars, expected, tolerance: 1e-5)
    }

    @Test func lossGradients() {
        checkGradients([logits]) { crossEntropy($0[0], labels: labels) }
        checkGradients([logits]) { crossEntropy($0[0], labels: labels, labelSmoothing: 0.2) }
        checkGradients([logits, Tensor.oneHot(labels, classes: 5) * 0.8 + 0.04]) { crossEntropy($0[0], targets: $0[1]) }
        checkGradients([logits]) { nllLoss($0[0].logSoftmax(axis: 1), labels: labels) }
        checkGradients([logits * 0.3]) { multiclassHingeLoss($0[0], labels: labels) }
        checkGradients([logits, randomTensor([4, 5], seed: 12)]) { mseLoss($0[0], $0[1]) }
        checkGradients([logits, randomTensor([4, 5], seed: 13, low: 0, high: 1)]) { binaryCrossEntropyWithLogits($0[0], $0[1]) }
    }
}
