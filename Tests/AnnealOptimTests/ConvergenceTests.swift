import AnnealNN
@testable import AnnealOptim
import AnnealTensor
import Testing

/// Minimizes ‖Ax − b‖² (A well conditioned, exact solution x*) through autodiff.
@Suite struct ConvergenceTests {
    static let a = Tensor([[3, 1, 0], [1, 2, 0.5], [0, 0.5, 1.5]])
    static let solution: [Float] = [1, -2, 0.5]
    static let b = Tensor.matmul(a, Tensor(solution, shape: [3, 1]))

    enum Case: String, CaseIterable, Sendable {
        case sgd, sgdNesterov, adam, adamAMSGrad, adamW, rmsProp, rmsPropCentered, adagrad

        func make(_ x: Parameter) -> (Optimizer, steps: Int) {
            switch self {
            case .sgd: (SGD([x], learningRate: 0.02), 600)
            case .sgdNesterov: (SGD([x], learningRate: 0.01, momentum: 0.9, nesterov: true), 400)
            case .adam: (Adam([x], learningRate: 0.05), 1000)
            case .adamAMSGrad: (Adam([x], learningRate: 0.05, amsgrad: true), 1000)
            case .adamW: (AdamW([x], learningRate: 0.05, weightDecay: 0), 1000)
            case .rmsProp: (RMSProp([x], learningRate: 0.01), 1000)
            case .rmsPropCentered: (RMSProp([x], learningRate: 0.01, momentum: 0.5, centered: true), 1000)
            case .adagrad: (Adagrad([x], learningRate: 0.5), 1000)
            }
        }
    }

    @Test(arguments: Case.allCases)
    func leastSquaresConverges(_ c: Case) {
        let x = Parameter(Tensor.zeros([3, 1]))
        let (optimizer, steps) = c.make(x)
        func loss() -> Tensor {
            let r = Tensor.matmul(Self.a, x.value) - Self.b
            return (r * r).sum()
        }
        let initial = loss().item()
        for _ in 0..<steps {
            optimizer.zeroGrad()
            loss().backward()
            optimizer.step()
        }
        let final = withoutGrad { loss().item() }
        #expect(final < 1e-4 * initial, "\(c): loss \(initial) → \(final)")
        expectClose(x.value.scalars, Self.solution.map(Double.init), tolerance: 1e-2, "\(c)")
    }
}
