import Foundation

/// What this machine's CPU offers, for tests whose expectations depend on it.
public enum CPUFeatures {
    /// The flags of /proc/cpuinfo's first processor.
    public static let flags: Set<String> = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
        return Set(line.split(separator: ":").last?.split(separator: " ").map(String.init) ?? [])
    }()

    /// AVX-512 as oneDNN's `avx512_core` needs it (F, BW, VL, DQ): its Winograd kernels, and the
    /// GEMM paths the fixtures in Tests/Fixtures were written with (their results are exact only there).
    public static var hasAVX512Core: Bool { ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains) }
}
