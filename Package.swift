// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a target only depends on targets listed before it.
let package = Package(
    name: "Anneal",
    products: [
        .library(name: "Anneal", targets: ["Anneal"]),
        .executable(name: "anneal", targets: ["anneal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // System libraries: module maps only.
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        .systemLibrary(name: "CLAPACK", path: "Sources/CLAPACK"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG"),
        .systemLibrary(name: "CDeflate", path: "Sources/CDeflate"),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c"),
        .systemLibrary(name: "CLinear", path: "Sources/CLinear"),

        // File formats over plain arrays (IDX, NPY, safetensors, PNG, JPEG).
        .target(name: "AnnealIO", dependencies: ["CZlib", "CPNG", "CTurboJPEG", "CDeflate"]),
        // Tensor, autodiff, kernels, RNG, threads.
        .target(name: "AnnealTensor", dependencies: ["CDNNL", "CLAPACK"]),
        // Modules, layers, activations, initializers, losses.
        .target(name: "AnnealNN", dependencies: ["AnnealTensor"]),
        // Optimizers, learning-rate schedules.
        .target(name: "AnnealOptim", dependencies: ["AnnealTensor", "AnnealNN"]),
        // Datasets, loaders, preprocessing.
        .target(name: "AnnealData", dependencies: ["AnnealTensor", "AnnealIO"]),
        // Trainer, callbacks, checkpoints, reports (TensorBoard event files through swift-protobuf),
        // transfer learning (linear heads by liblinear).
        .target(name: "AnnealTrain", dependencies: ["AnnealTensor", "AnnealNN", "AnnealOptim", "AnnealData", "AnnealIO", "CLinear",
                                                    .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // Data-parallel and pipeline training over OpenMPI: AnnealTrain's ProcessGroup for mpirun jobs.
        .target(name: "AnnealDistributed", dependencies: ["AnnealTrain", "CMPI"]),
        // One import for library users.
        .target(name: "Anneal", dependencies: ["AnnealTensor", "AnnealNN", "AnnealOptim", "AnnealData", "AnnealTrain", "AnnealIO", "AnnealDistributed"]),
        // The command line.
        .executableTarget(name: "anneal", dependencies: [
            "Anneal",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "AnnealTestSupport", dependencies: ["AnnealTensor"], path: "Tests/AnnealTestSupport"),
        .testTarget(name: "AnnealTensorTests", dependencies: ["AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealIOTests", dependencies: ["AnnealIO", "AnnealTestSupport"]),
        .testTarget(name: "AnnealNNTests", dependencies: ["AnnealNN", "AnnealTestSupport"]),
        .testTarget(name: "AnnealDataTests", dependencies: ["AnnealData", "AnnealTestSupport"]),
        .testTarget(name: "AnnealOptimTests", dependencies: ["AnnealOptim", "AnnealNN", "AnnealTensor"]),
        .testTarget(name: "AnnealTrainTests", dependencies: ["AnnealTrain", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealScheduleTests", dependencies: ["AnnealTrain", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealAugmentationTests", dependencies: ["AnnealData", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealRegularizationTests", dependencies: ["AnnealTrain", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealRecipeTests", dependencies: ["AnnealTrain", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealRunTests", dependencies: ["AnnealTrain", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
    ]
)
