// swift-tools-version:6.2
import PackageDescription

/// libFuzzer targets for Gatehouse's parsers of untrusted input.
///
/// A separate package so the main build never sees `-sanitize=fuzzer`. Each fuzzer
/// exports `LLVMFuzzerTestOneInput`; its `@main` hands that to libFuzzer's driver
/// (see `Sources/CLibFuzzer/shim.h` for why). Build and run them with
/// `scripts/fuzz.sh` (`make fuzz`), which passes `-sanitize=fuzzer,address`.
let package = Package(
    name: "GatehouseFuzz",
    dependencies: [
        .package(name: "Gatehouse", path: ".."),
    ],
    targets: [
        .systemLibrary(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"]),
        fuzzer("FuzzCookie"),
        fuzzer("FuzzForm"),
        fuzzer("FuzzRequest"),
        fuzzer("FuzzTemplate"),
    ],
    swiftLanguageModes: [.v6]
)

/// One libFuzzer executable over the `Gatehouse` library.
func fuzzer(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport", .product(name: "Gatehouse", package: "Gatehouse")])
}
