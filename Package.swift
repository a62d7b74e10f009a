// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "keyctl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "keyctl", targets: ["keyctl"]),
        .library(name: "KeyStore", targets: ["KeyStore"]),
        .library(name: "SQLiteStore", targets: ["SQLiteStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .target(
            name: "KeyStore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "SQLiteStore",
            dependencies: [
                "KeyStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedMigrations"]
        ),
        .target(
            name: "PostgresStore",
            dependencies: [
                "KeyStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedMigrations"]
        ),
        .target(
            name: "Rotation",
            dependencies: [
                "KeyStore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Adapters",
            dependencies: [
                "CSpawn",
                "KeyStore",
                "Rotation",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "CSpawn"),
        .target(
            name: "Exposure",
            dependencies: ["KeyStore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(
            name: "KeyctlConfig",
            dependencies: ["KeyStore", "Rotation", "Adapters", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .target(name: "RotationCoordination", dependencies: ["KeyStore", "Rotation", "KeyctlConfig"]),
        .target(name: "Doctor", dependencies: ["KeyStore", "KeyctlConfig", "Adapters", "Exposure"]),
        .executableTarget(
            name: "keyctl",
            dependencies: [
                "KeyStore",
                "SQLiteStore",
                "PostgresStore",
                "KeyctlConfig",
                "RotationCoordination",
                "Rotation",
                "Adapters",
                "Exposure",
                "Doctor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["exports.map"],
            // The shipped binary exports no symbols: see exports.map.
            linkerSettings: [
                .unsafeFlags(["-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/keyctl/exports.map"])
            ]
        ),
        .executableTarget(name: "MigrationEmbedder"),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["MigrationEmbedder"]
        ),
        .target(
            name: "KeyctlTestSupport",
            dependencies: [
                "KeyStore", "SQLiteStore", "PostgresStore", "Rotation", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PostgresStoreTests",
            dependencies: ["PostgresStore", "SQLiteStore", "KeyStore", "KeyctlTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "PostgresConnectionTests",
            dependencies: ["PostgresStore", "KeyStore", "KeyctlTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        .testTarget(
            name: "KeyStoreTests",
            dependencies: ["SQLiteStore", "KeyStore", "KeyctlConfig", "KeyctlTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "RotationTests",
            dependencies: ["SQLiteStore", "Rotation", "Adapters", "KeyStore", "KeyctlTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "AdapterTests",
            dependencies: ["Adapters", "Rotation", "KeyStore", "KeyctlConfig", "KeyctlTestSupport"]
        ),
        .testTarget(
            name: "ExposureTests",
            dependencies: ["Exposure", "KeyStore", "KeyctlTestSupport"]
        ),
        .testTarget(name: "DoctorTests", dependencies: ["SQLiteStore", "Doctor", "Adapters", "KeyStore", "KeyctlConfig", "Exposure", "KeyctlTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "KeyctlTests",
            dependencies: ["SQLiteStore", "keyctl", "KeyStore", "KeyctlConfig", "KeyctlTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Fuzzing, for `scripts/fuzz` only: with KEYCTL_FUZZ=1 (and its own scratch path, .build-fuzz) the
// parsers' targets get libFuzzer's coverage instrumentation and the KeyctlFuzz executable exists.
// Without it, as in `swift build` and `swift test`, the package is exactly the one above.
if Context.environment["KEYCTL_FUZZ"] == "1" {
    let sanitizers = "-sanitize=" + (Context.environment["KEYCTL_FUZZ_SANITIZERS"] ?? "fuzzer,address")
    for target in package.targets where ["KeyStore", "SQLiteStore", "Adapters", "KeyctlConfig", "Exposure"].contains(target.name) {
        target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags([sanitizers])]
    }
    package.targets.append(
        .executableTarget(
            name: "KeyctlFuzz",
            dependencies: ["KeyStore", "Rotation", "Adapters", "KeyctlConfig", "Exposure", "KeyctlTestSupport"],
            path: "Fuzz",
            swiftSettings: [.unsafeFlags([sanitizers])],
            linkerSettings: [.unsafeFlags([sanitizers, "-use-ld=lld"])]
        ))
}
