// swift-tools-version:6.1
import PackageDescription

// One set of settings for every target: Swift 6 language mode (strict concurrency) plus explicit `any`.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "Switchyard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "admin-cli", targets: ["AdminCLI"]),
        .executable(name: "switchyard", targets: ["Switchyard"]),
        .library(name: "Values", targets: ["Values"]),
        .library(name: "Mapping", targets: ["Mapping"]),
        .library(name: "Formats", targets: ["Formats"]),
        .library(name: "ConnectorKit", targets: ["ConnectorKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // libpq, found through pkg-config (Debian: libpq-dev).
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"]), .brew(["libpq"])]),
        .target(name: "Postgres", dependencies: ["CLibPQ"], swiftSettings: swiftSettings),
        .target(name: "Values", swiftSettings: swiftSettings),
        .target(name: "Mapping", dependencies: ["Values"], swiftSettings: swiftSettings),
        .target(
            name: "Transform",
            dependencies: ["Mapping", "Values", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        .target(name: "Formats", dependencies: ["Values"], swiftSettings: swiftSettings),
        .target(
            name: "RouteConfig", dependencies: ["Values", "Cron", "Transform", "ConnectorKit"], swiftSettings: swiftSettings),
        .target(name: "Connectors", dependencies: ["Values", "Formats"], swiftSettings: swiftSettings),
        .target(
            name: "Runner",
            dependencies: ["ControlPlane", "Connectors", "ConnectorKit", "Transform", "Values"],
            swiftSettings: swiftSettings),
        .target(name: "ConfigFiles", dependencies: ["Values", "Yams"], swiftSettings: swiftSettings),
        .target(name: "ConnectorKit", dependencies: ["Values"], swiftSettings: swiftSettings),
        .target(name: "Cron", swiftSettings: swiftSettings),
        .target(name: "EmbeddedPostgres", swiftSettings: swiftSettings),
        .target(
            name: "ControlPlane",
            dependencies: [
                "Postgres",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "AdminCLI",
            dependencies: [
                "ControlPlane", "EmbeddedPostgres", "Postgres", "Cron", "Values", "Mapping", "Transform", "ConfigFiles",
                "ConnectorKit", "Formats", "RouteConfig", "Connectors", "Runner",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "admin-cli",
            swiftSettings: swiftSettings
        ),
        // Shared by the database test targets: per-suite databases and child processes.
        .target(
            name: "TestSupport", dependencies: ["Postgres", "ControlPlane"], path: "Tests/Support",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "sample-inventory-connector", dependencies: ["ConnectorKit", "Values"],
            path: "connectors/sample-inventory/Sources", swiftSettings: swiftSettings),
        .executableTarget(
            name: "Switchyard",
            dependencies: [
                "ControlPlane", "Postgres", "Runner", "Cron", "ConnectorKit", "Transform", "Values",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "csv-benchmark", dependencies: ["Formats", "Values"], path: "Benchmarks/CSVBenchmark",
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "mapping-benchmark", dependencies: ["Mapping", "Values"], path: "Benchmarks/MappingBenchmark",
            swiftSettings: swiftSettings),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ValuesTests", dependencies: ["Values"], swiftSettings: swiftSettings),
        .testTarget(name: "MappingTests", dependencies: ["Mapping", "Values"], swiftSettings: swiftSettings),
        .testTarget(name: "CronTests", dependencies: ["Cron"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RouteConfigTests", dependencies: ["RouteConfig", "Values", "ConnectorKit"], swiftSettings: swiftSettings),
        .testTarget(name: "ConfigFilesTests", dependencies: ["ConfigFiles", "Values"], swiftSettings: swiftSettings),
        .testTarget(name: "TransformTests", dependencies: ["Transform", "Mapping", "Values"], swiftSettings: swiftSettings),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Values"], swiftSettings: swiftSettings),
        .testTarget(name: "ConnectorKitTests", dependencies: ["ConnectorKit", "Values"], swiftSettings: swiftSettings),
        .testTarget(name: "ConnectorProtocolTests", dependencies: ["ConnectorKit", "Values"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ControlPlaneTests",
            dependencies: ["ControlPlane", "Postgres", "EmbeddedPostgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
