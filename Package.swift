// swift-tools-version:6.0
import PackageDescription

// Layers, lowest first; a target only depends on targets listed before it.
let package = Package(
    name: "Anneal",
    products: [
        .library(name: "Anneal", targets: ["Anneal"]),
        .library(name: "AnnealMPI", targets: ["AnnealMPI"]),
        .executable(name: "anneal", targets: ["anneal"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // `swift package generate-documentation` (scripts/docs.sh); a plugin only, nothing links it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
        .systemLibrary(name: "CProcess", path: "Sources/CProcess"),

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
        // The training engine: Trainer and its typed events, callbacks, Evaluator, checkpoints.
        .target(name: "AnnealTraining", dependencies: ["AnnealTensor", "AnnealNN", "AnnealOptim", "AnnealData", "AnnealIO"]),
        // Several processes as one run: the ProcessGroup protocol (and its single-process default),
        // gradient all-reduce, pipeline stages. No transport here: AnnealMPI supplies one.
        .target(name: "AnnealDistributed", dependencies: ["AnnealTraining", "AnnealTensor", "AnnealNN", "AnnealOptim", "AnnealData"]),
        // What people look at: plots, curve diagnosis, the confusion matrix, report.html,
        // TensorBoard event files (generated protobuf code).
        .target(name: "AnnealReports", dependencies: ["AnnealTraining", "AnnealTensor", "AnnealData", "AnnealIO",
                                                      .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // A run from its configuration: RunConfig, Run, presets, the recipe (doctor, search,
        // ablation), ensembles, transfer learning (linear heads by liblinear).
        .target(name: "AnnealExperiments", dependencies: ["AnnealTraining", "AnnealDistributed", "AnnealReports", "AnnealTensor",
                                                          "AnnealNN", "AnnealOptim", "AnnealData", "AnnealIO", "CLinear", "CProcess"]),
        // Models that leave Anneal: ONNX export of a Predictor (generated protobuf code for ONNX's messages).
        .target(name: "AnnealExport", dependencies: ["AnnealExperiments", "AnnealTraining", "AnnealNN", "AnnealTensor", "AnnealData", "AnnealIO",
                                                    .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // One import for library users; no MPI in it, so a program that imports Anneal builds without OpenMPI.
        .target(name: "Anneal", dependencies: ["AnnealTensor", "AnnealNN", "AnnealOptim", "AnnealData", "AnnealIO", "AnnealTraining",
                                               "AnnealDistributed", "AnnealReports", "AnnealExperiments", "AnnealExport"]),
        // The OpenMPI binding: a ProcessGroup for mpirun jobs (its own product; the CLI links it).
        .target(name: "AnnealMPI", dependencies: ["AnnealDistributed", "AnnealTraining", "AnnealTensor", "CMPI"]),
        // The command line.
        .executableTarget(name: "anneal", dependencies: [
            "Anneal", "AnnealMPI",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Examples/: small programs a library user starts from (built in CI).
        .executableTarget(name: "train-preset", dependencies: ["Anneal"], path: "Examples/TrainPreset"),
        .executableTarget(name: "custom-model", dependencies: ["Anneal"], path: "Examples/CustomModel"),
        .executableTarget(name: "evaluate-ensemble", dependencies: ["Anneal"], path: "Examples/EvaluateEnsemble"),

        .target(name: "AnnealTestSupport", dependencies: ["AnnealTensor"], path: "Tests/AnnealTestSupport"),
        .testTarget(name: "AnnealTensorTests", dependencies: ["AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealIOTests", dependencies: ["AnnealIO", "AnnealTestSupport"]),
        .testTarget(name: "AnnealNNTests", dependencies: ["AnnealNN", "AnnealTestSupport"]),
        .testTarget(name: "AnnealDataTests", dependencies: ["AnnealData", "AnnealTestSupport"]),
        .testTarget(name: "AnnealOptimTests", dependencies: ["AnnealOptim", "AnnealNN", "AnnealTensor"]),
        .testTarget(name: "AnnealTrainTests", dependencies: ["AnnealTraining", "AnnealDistributed", "AnnealReports", "AnnealExperiments", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealScheduleTests", dependencies: ["AnnealTraining", "AnnealDistributed", "AnnealReports", "AnnealExperiments", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealAugmentationTests", dependencies: ["AnnealData", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealRegularizationTests", dependencies: ["AnnealTraining", "AnnealDistributed", "AnnealReports", "AnnealExperiments", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealRecipeTests", dependencies: ["AnnealTraining", "AnnealDistributed", "AnnealReports", "AnnealExperiments", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealExportTests", dependencies: ["AnnealExport", "AnnealExperiments", "AnnealTraining", "AnnealData", "AnnealNN",
                                                            "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
        .testTarget(name: "AnnealRunTests", dependencies: ["AnnealTraining", "AnnealDistributed", "AnnealReports", "AnnealExperiments", "AnnealData", "AnnealOptim", "AnnealNN", "AnnealIO", "AnnealTensor", "AnnealTestSupport"]),
    ]
)
