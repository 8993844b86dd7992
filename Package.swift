// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "oss-live-emulator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "oss-live-emulator", targets: ["oss-live-emulator"]),
        .library(name: "Emulator", targets: ["Emulator"]),
        // The byte parsers, for the libFuzzer targets in Tests/Fuzz (their own package).
        .library(name: "MediaFormats", targets: ["MediaFormats"]),
        .library(name: "OSSProtocol", targets: ["OSSProtocol"]),
        .library(name: "ObjectAPI", targets: ["ObjectAPI"]),
        .library(name: "RTMP", targets: ["RTMP"]),
        .library(name: "Transport", targets: ["Transport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libcrypto (OpenSSL) for MD5, SHA-1/256 and HMAC.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // zlib, for GetObject's `Accept-Encoding: gzip` answers.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The lock shared state is kept under (see Locked.swift for why not Synchronization.Mutex).
        .target(name: "Locking"),
        // CRC-64 folded with carry-less multiplication (x86-64 PCLMULQDQ), for Digest.
        .target(name: "CDigestFold"),
        .target(name: "Digest", dependencies: ["CCrypto", "CDigestFold"]),
        .target(name: "MediaFormats"),
        .target(name: "RTMP", dependencies: ["Digest"]),
        .target(name: "OSSProtocol", dependencies: ["Digest"]),
        .target(name: "Storage", dependencies: ["Digest", "Locking"]),
        // epoll in a shape Swift can call, for Transport's per-queue readiness set.
        .target(name: "CEventPoll"),
        .target(name: "Transport", dependencies: ["CCrypto", "CEventPoll", "Digest", "Locking"]),
        // Alibaba Cloud KMS emulation (GenerateDataKey/Encrypt/Decrypt) for SDK envelope encryption.
        .target(name: "KMS", dependencies: ["CCrypto", "Digest", "Locking", "OSSProtocol"]),
        .target(name: "LiveIngest", dependencies: ["Locking", "MediaFormats", "Storage"]),
        // The RTMP publishing client behind `push` and `Emulator.publish(file:)`.
        .target(name: "Publisher", dependencies: ["Locking", "MediaFormats", "RTMP", "Transport"]),
        // Bucket configurations: models, XML, validation, records and evaluation of lifecycle,
        // tagging, logging, policy, capacity, stat, and of what changes how requests are served
        // (CORS, referer, website, encryption).
        .target(name: "BucketConfig", dependencies: ["Locking", "OSSProtocol", "Storage"]),
        // OSS bucket and object operations (everything but LiveChannel and admin).
        .target(name: "ObjectAPI", dependencies: ["BucketConfig", "CZlib", "Digest", "Locking", "OSSProtocol", "Storage", "Transport"]),
        // The console at /_emulator/: page, style, script, icon and signed links (no HTTP, no state).
        .target(name: "Console", dependencies: ["OSSProtocol"]),
        .target(
            name: "Emulator",
            dependencies: [
                "BucketConfig", "Console", "Digest", "KMS", "LiveIngest", "Locking", "MediaFormats", "OSSProtocol", "ObjectAPI", "Publisher", "RTMP", "Storage", "Transport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "oss-live-emulator",
            dependencies: [
                "Emulator", "Locking", "Publisher", "Transport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Rewrites FLV tag timing for the timing corpus (scripts/make-timing-corpus.sh).
        .executableTarget(name: "flv-edit", dependencies: ["MediaFormats"]),
        // Requests/s of the HTTP transport (see Benchmarks/TransportBench/main.swift).
        .executableTarget(name: "transport-bench", dependencies: ["Transport"], path: "Benchmarks/TransportBench"),
        // Remux throughput benchmark (scripts/bench-remux.sh); not a test.
        .executableTarget(name: "remux-benchmark", dependencies: ["MediaFormats"], path: "Benchmarks/remux-benchmark"),
        // Prints Storage start-up/put/listing figures: `swift run -c release storage-bench`.
        .executableTarget(name: "storage-bench", dependencies: ["Storage"], path: "Benchmarks/StorageBench"),
        // In-process start-to-ready time (see Benchmarks/EmulatorStartBench/main.swift).
        .executableTarget(
            name: "emulator-start-bench",
            dependencies: ["Emulator", .product(name: "Logging", package: "swift-log")], path: "Benchmarks/EmulatorStartBench"),
        .testTarget(name: "DigestTests", dependencies: ["Digest"]),
        .testTarget(name: "LockingTests", dependencies: ["Locking"]),
        .testTarget(name: "MediaFormatsTests", dependencies: ["MediaFormats"]),
        .testTarget(name: "RTMPTests", dependencies: ["RTMP"], exclude: ["Vectors"]),
        .testTarget(name: "OSSProtocolTests", dependencies: ["OSSProtocol"]),
        .testTarget(name: "StorageTests", dependencies: ["Locking", "Storage"]),
        .testTarget(name: "BucketConfigTests", dependencies: ["BucketConfig", "Locking", "OSSProtocol", "Storage"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "Digest", "Locking"]),
        .testTarget(name: "KMSTests", dependencies: ["KMS", "Digest"]),
        .testTarget(name: "LiveIngestTests", dependencies: ["LiveIngest", "Locking"]),
        .testTarget(name: "PublisherTests", dependencies: ["Locking", "Publisher", "MediaFormats"]),
        .testTarget(name: "ObjectAPITests", dependencies: ["CZlib", "Locking", "ObjectAPI", "OSSProtocol", "Storage", "Transport"]),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "OSSProtocol"]),
        .testTarget(name: "EmulatorTests", dependencies: ["Console", "Emulator", "LiveIngest", "Locking", "Publisher"]),
        // Pieces of the command line (progress figures, JSON logs).
        .testTarget(name: "CLITests", dependencies: ["Locking", "oss-live-emulator"]),
    ]
)
