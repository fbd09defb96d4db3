// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "FollowThrough",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "followthrough", targets: ["followthrough"]),
        .library(name: "FollowThroughCore", targets: ["FollowThroughCore"]),
        .library(name: "FollowThroughKit", targets: ["FollowThroughKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Pure core: CSV bytes → records → open recommendations → notices → messages.
        // No files, no clock, no network.
        .target(
            name: "FollowThroughCore",
            dependencies: ["CPrefetch", "CByteMarks", "CAtomicPair", .product(name: "Mustache", package: "swift-mustache")],
            // The CSV and export hot loops touch only their own values; runtime exclusivity checks cost ~5% there.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // libcurl, reached through a tiny C shim (curl_easy_setopt is variadic).
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // zstd, for the message bodies and the recommendation statuses kept in the state.
        .target(
            name: "CZstd",
            linkerSettings: [.linkedLibrary("zstd")]
        ),
        // System calls Glibc does not import (syncfs).
        .target(name: "CSystem"),
        // The one CPU hint the hot loops use (a cache prefetch); Swift has no spelling for it.
        .target(name: "CPrefetch"),
        // A two-word compare-and-swap: the recommendations' parts, read on two threads, record their ids in one table.
        .target(name: "CAtomicPair"),
        // Byte scans in SSE2 (x86-64; plain loops elsewhere): the CSV tokenizer's block test, quoted-printable and HTML escaping runs.
        .target(name: "CByteMarks"),
        // The shell: config, loading files, transports, state, the nightly run.
        .target(
            name: "FollowThroughKit",
            dependencies: [
                "FollowThroughCore",
                "CCurl",
                "CSystem",
                "CZstd",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),  // sqlite3_file_control (persistent WAL)
            ]
        ),
        .executableTarget(
            name: "followthrough",
            dependencies: [
                "FollowThroughKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the test targets share (a seeded random generator).
        .target(name: "FollowThroughTestSupport", path: "Tests/Support"),
        .testTarget(
            name: "FollowThroughCoreTests",
            dependencies: ["FollowThroughCore", "CByteMarks", "FollowThroughTestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FollowThroughKitTests",
            dependencies: [
                "FollowThroughKit",
                "FollowThroughTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ]
)
