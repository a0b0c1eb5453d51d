import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Testing

/// A 1-D parameter from values.
func makeParameter(_ values: [Float]) -> Parameter { Parameter(Tensor(values)) }

/// A parameter with the same values but its own storage and no gradient.
func copyOf(_ parameter: Parameter) -> Parameter {
    Parameter(Tensor(parameter.value.scalars, shape: parameter.shape))
}

func setGradient(_ parameter: Parameter, _ gradient: [Double]) {
    parameter.value.grad = Tensor(gradient.map(Float.init), shape: parameter.shape)
}

func values(_ parameter: Parameter) -> [Double] { parameter.value.scalars.map(Double.init) }

/// Relative-and-absolute comparison: the references run in Double, the optimizers in Float.
func expectClose(_ actual: [Float], _ expected: [Double], tolerance: Double = 2e-5, _ comment: Comment? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, comment, sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() where !(abs(Double(a) - e) <= tolerance * max(1, abs(e))) {
        Issue.record("element \(i): \(a) vs expected \(e) (tolerance \(tolerance)) \(comment.map { "\($0)" } ?? "")",
                     sourceLocation: sourceLocation)
        return
    }
}

/// Fixed gradients for a 3-element parameter, one row per step; the last steps
/// are small so that Adam's second moment falls (AMSGrad then differs).
let gradientSequence: [[Double]] = [
    [0.5, -1.0, 2.0],
    [0.25, 0.75, -1.5],
    [-0.125, 0.5, 1.0],
    [0.01, -0.02, 0.005],
    [0.002, 0.001, -0.003],
]
let startValues: [Float] = [1.0, -0.5, 0.25]

/// Runs `optimizer` on `parameter` with one gradient per step.
func run(_ optimizer: Optimizer, on parameter: Parameter, gradients: [[Double]] = gradientSequence) {
    for g in gradients {
        setGradient(parameter, g)
        optimizer.step()
    }
}

/// Float hyperparameters as the optimizer sees them, in Double.
func d(_ x: Float) -> Double { Double(x) }

// MARK: Elementwise Double helpers for the hand-written references

func + (a: [Double], b: [Double]) -> [Double] { zip(a, b).map { $0 + $1 } }
func - (a: [Double], b: [Double]) -> [Double] { zip(a, b).map { $0 - $1 } }
func * (a: [Double], b: [Double]) -> [Double] { zip(a, b).map { $0 * $1 } }
func / (a: [Double], b: [Double]) -> [Double] { zip(a, b).map { $0 / $1 } }
func * (s: Double, a: [Double]) -> [Double] { a.map { s * $0 } }
func + (a: [Double], s: Double) -> [Double] { a.map { $0 + s } }
func sqrt(_ a: [Double]) -> [Double] { a.map { $0.squareRoot() } }
