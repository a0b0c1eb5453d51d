/// The layer-wise trust ratio of LARS and LAMB: how far one tensor's update may
/// move it relative to its own size, ‖p‖ / ‖update‖ (scaled by a coefficient).
/// 1 when either norm is zero (a tensor at zero, or no update), as both papers'
/// reference code does.
enum LayerwiseTrustRatio {
    /// ‖x‖₂ over `count` values, accumulated in Double.
    static func norm(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var sum: Double = 0
        for i in 0..<count { sum += Double(x[i]) * Double(x[i]) }
        return sum.squareRoot()
    }

    static func ratio(weightNorm: Double, updateNorm: Double) -> Double {
        weightNorm > 0 && updateNorm > 0 ? weightNorm / updateNorm : 1
    }
}
