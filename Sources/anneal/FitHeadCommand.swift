import Anneal
import ArgumentParser
import Foundation

struct FitHeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-head", abstract: "A linear classifier (logistic regression or linear SVM, by liblinear) on features from `anneal features`.",
        discussion: """
            Writes the head as a Linear layer's weight and bias; `anneal evaluate --weights BACKBONE --head HEAD` runs \
            the backbone up to the features' layer, then the head.
            """)

    @Option(help: "Features, an N×D .npy (from `anneal features`).") var features: String
    @Option(help: "Labels, one per feature row: .npy (from `anneal features --labels-out`) or an IDX label file.") var labels: String
    @Option(help: "The classifier: logistic (liblinear's L2-regularized logistic regression) or svm (squared-hinge linear SVM, LinearSVC's).")
    var head: LinearHead.Loss = .logistic
    @Option(name: .customLong("C"), help: "Inverse regularization strength, as scikit-learn's C.") var c: Double = 1
    @Option(help: "liblinear's stopping tolerance.") var tolerance: Double = 1e-4
    @Flag(inversion: .prefixedNo, help: "Scale features to zero mean and unit variance for the solver (folded into the saved weights).")
    var standardize = true
    @Option(help: "The backbone layer the features came from (as given to `anneal features --layer`; default: the penultimate).") var layer: String?
    @Option(help: "Output .safetensors file.") var out: String

    func validate() throws {
        guard c > 0 && c.isFinite else { throw ValidationError("-C must be positive, got \(c)") }
        guard tolerance > 0 && tolerance.isFinite else { throw ValidationError("--tolerance must be positive, got \(tolerance)") }
    }

    func run() throws {
        let fitted = try LinearHead.fit(featuresFile: features, labelsFile: labels, loss: head, C: c, tolerance: tolerance, standardize: standardize)
        try fitted.head.write(to: out, layer: layer)
        print(String(format: "\(head.rawValue) head on %d×%d features, %d classes: training accuracy %.4f (%.1fs)",
                     fitted.rows, fitted.features, fitted.head.classes, fitted.trainingAccuracy, fitted.seconds))
        print("wrote \(out)")
    }
}

extension LinearHead.Loss: ExpressibleByArgument {}
