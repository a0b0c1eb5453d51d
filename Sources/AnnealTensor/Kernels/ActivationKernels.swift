import Foundation

// Forward kernels of the activation functions and their backward kernels
// (upstream gradient, saved input or output) → input gradient.

struct ReLU: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : 0 } }
struct ReLUBackward: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x > 0 ? g : 0 } }

struct LeakyReLU: UnaryKernel {
    let slope: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : slope * x }
}
struct LeakyReLUBackward: BinaryKernel {
    let slope: Float
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x > 0 ? g : slope * g }
}

struct Sigmoid: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / (1 + expf(-x)) } }
/// Takes the output y: σ' = y(1 − y).
struct SigmoidBackward: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * y * (1 - y) } }

struct Tanh: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { tanhf(x) } }
/// Takes the output y: tanh' = 1 − y².
struct TanhBackward: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { g * (1 - y * y) } }

struct ELU: UnaryKernel {
    let alpha: Float, scale: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { scale * (x > 0 ? x : alpha * (expf(x) - 1)) }
}
struct ELUBackward: BinaryKernel {
    let alpha: Float, scale: Float
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { scale * g * (x > 0 ? 1 : alpha * expf(x)) }
}

/// Exact GELU: x·Φ(x).
struct GELU: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { 0.5 * x * (1 + erff(x * 0.707_106_781)) }
}
struct GELUBackward: BinaryKernel {
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
        let cdf = 0.5 * (1 + erff(x * 0.707_106_781))
        let pdf = 0.398_942_280 * expf(-0.5 * x * x)
        return g * (cdf + x * pdf)
    }
}

struct SiLU: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x / (1 + expf(-x)) } }
struct SiLUBackward: BinaryKernel {
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
        let s = 1 / (1 + expf(-x))
        return g * s * (1 + x * (1 - s))
    }
}

/// log(1 + eˣ) without overflow.
struct Softplus: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { max(x, 0) + log1pf(expf(-abs(x))) }
}
struct SoftplusBackward: BinaryKernel {
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { g / (1 + expf(-x)) }
}
