// swift-tools-version:6.0
// libFuzzer targets for every byte parser of the emulator, one executable per
// parser family. Built and run by scripts/fuzz.sh with
// `-sanitize=fuzzer,address`: libFuzzer supplies `main`, each target only
// defines `LLVMFuzzerTestOneInput`. `fuzz-seeds` (built without sanitizers)
// writes the seed inputs from real data (fixtures, the project's own
// encoders); the minimised corpora are committed under Corpus/<target>/.
import PackageDescription

let root: Package.Dependency = .package(name: "oss-live-emulator", path: "../..")

func product(_ name: String) -> Target.Dependency {
    .product(name: name, package: "oss-live-emulator")
}

let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
    ("fuzz-amf0", [product("RTMP")]),
    ("fuzz-rtmp-chunks", [product("RTMP")]),
    ("fuzz-rtmp-session", [product("RTMP")]),
    ("fuzz-flv", [product("MediaFormats")]),
    ("fuzz-codec-config", [product("MediaFormats")]),
    ("fuzz-hls-playlist", [product("MediaFormats")]),
    ("fuzz-http-request", [product("Transport")]),
    ("fuzz-http-response", [product("Transport")]),
    ("fuzz-multipart-form", [product("OSSProtocol")]),
    ("fuzz-xml", [product("OSSProtocol")]),
    ("fuzz-auth", [product("OSSProtocol"), product("Emulator")]),
    ("fuzz-json", [product("OSSProtocol"), product("ObjectAPI")]),
    ("fuzz-object-headers", [product("OSSProtocol"), product("ObjectAPI")]),
]

let package = Package(
    name: "oss-live-emulator-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [root],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"]),
        .executableTarget(
            name: "fuzz-seeds",
            dependencies: [product("RTMP"), product("MediaFormats"), product("OSSProtocol")]),
    ] + fuzzers.map { fuzzer in
        .executableTarget(name: fuzzer.name, dependencies: ["FuzzSupport"] + fuzzer.dependencies)
    }
)
