// swift-tools-version:6.0
import PackageDescription

// Coverage-guided fuzzing of every parser with libFuzzer: a package of its own,
// because its executable takes `main` from libFuzzer and links only when built with
// `-sanitize=fuzzer` (scripts/fuzz.sh does that); the main package stays unaffected.
let package = Package(
    name: "AnnealFuzz",
    dependencies: [.package(name: "Anneal", path: "..")],
    targets: [
        .executableTarget(name: "AnnealFuzz", dependencies: [.product(name: "Anneal", package: "Anneal")]),
    ]
)
