// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ams",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ams", targets: ["ams"]),
        .executable(name: "ams-bench", targets: ["AMSBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Pure domain: workflow, roles, policies. Foundation only.
        .target(
            name: "AMSCore",
            dependencies: [],
            resources: [.copy("Resources/zxcvbn-frequency-lists.txt")]
        ),
        // The certificate authority: keys, certificates, CRLs, OCSP, key wrapping. No Vapor, no database.
        .target(
            name: "AMSPKI",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The Vapor application: persistence, HTTP, views, mail, audit.
        .target(
            name: "AMSServer",
            dependencies: [
                "AMSCore",
                "AMSPKI",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "ams",
            dependencies: ["AMSServer"]
        ),
        // The speed report (`scripts/bench`, BENCHMARKS.md): its own executable, so the server ships no benchmark code.
        .executableTarget(
            name: "AMSBench",
            dependencies: [
                "AMSServer",
                "AMSCore",
                "AMSPKI",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "AMSCoreTests",
            dependencies: ["AMSCore", "AMSTestTools"]
        ),
        // Test helpers shared by the test targets: external programs (openssl, pkilint) as independent oracles.
        .target(
            name: "AMSTestTools",
            dependencies: [],
            path: "Tests/AMSTestTools"
        ),
        .testTarget(
            name: "AMSPKITests",
            dependencies: ["AMSPKI", "AMSTestTools"]
        ),
        .testTarget(
            name: "AMSServerTests",
            dependencies: [
                "AMSServer",
                "AMSPKI",
                "AMSTestTools",
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ]
)
