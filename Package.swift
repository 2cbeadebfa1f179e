// swift-tools-version:6.2
import PackageDescription

/// Upcoming features that keep module boundaries honest: no C type leaks into the
/// library's API, and every `any` is spelled out.
let strictness: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Gatehouse",
    products: [
        .executable(name: "gatehouse", targets: ["GatehouseCLI"]),
        .executable(name: "gatehouse-supervisor", targets: ["GatehouseSupervisorTool"]),
        .library(name: "Gatehouse", targets: ["Gatehouse"]),
    ],
    targets: [
        .systemLibrary(
            name: "CFastCGI", pkgConfig: "fcgi",
            providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(
            name: "CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // libfido2 verifies passkey registrations and assertions (see Auth/Factors/FIDO2.swift).
        .systemLibrary(
            name: "CFIDO2", pkgConfig: "libfido2",
            providers: [.apt(["libfido2-dev"])]),
        // zxcvbn-c scores new passwords. Debian's libzxcvbn-dev ships no .pc file, so the
        // module map links it by name.
        .systemLibrary(
            name: "CZxcvbn",
            providers: [.apt(["libzxcvbn-dev"])]),
        // libqrencode draws the TOTP enrolment QR code (Auth/Factors/QRCode.swift).
        .systemLibrary(
            name: "CQREncode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        // libcurl hands mail to an SMTP server (Mail/SMTPClient.swift); opened on the first
        // mail rather than linked (shim.h says why), so no pkg-config link flags.
        .systemLibrary(
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // epoll and SCHED_IDLE: libc, but missing from Swift's Glibc module.
        .systemLibrary(name: "CLinux"),
        // SHA-256, HMAC and PBKDF2 over libcrypto's SHA-256 functions without EVP set-up (see sha256_fast.c).
        .target(
            name: "CSHA256",
            linkerSettings: [.linkedLibrary("crypto")]),
        // Atomic adds on /metrics counters in memory shared by the worker processes.
        .target(name: "CSharedCounters"),
        // libc for the Embedded Swift supervisor, which cannot import Swift's Glibc module.
        .systemLibrary(name: "CSupervisorLibc"),
        // The supervisor process and what it shares with the workers (log lines, the
        // /metrics counter block): no database, TLS or FastCGI library, so that process
        // stays small (see Supervisor.swift).
        .target(
            name: "GatehouseSupervision",
            dependencies: ["CSharedCounters"],
            swiftSettings: strictness),
        // gatehouse-supervisor, in Embedded Swift: no Swift runtime in that process (see
        // Supervisor.swift). Its Log, SharedCounters and Supervisor sources are links to
        // GatehouseSupervision's.
        .executableTarget(
            name: "GatehouseSupervisorTool",
            dependencies: ["CSharedCounters", "CSupervisorLibc"],
            swiftSettings: strictness + [.enableExperimentalFeature("Embedded"), .unsafeFlags(["-wmo"])],
            linkerSettings: [.linkedLibrary("m")]),
        .target(
            name: "Gatehouse",
            dependencies: [
                "CFastCGI", "CLibPQ", "CCrypto", "CSHA256", "CZxcvbn", "CFIDO2", "GatehouseSupervision", "CLinux", "CQREncode", "CCurl",
            ],
            swiftSettings: strictness),
        // Release builds carry the Swift runtime inside the binary, so the package needs no
        // Swift libraries on the target machine. Set here rather than with SwiftPM's
        // --static-swift-stdlib, which would also point the Embedded Swift supervisor at
        // the static runtime's modules, where no Embedded standard library is.
        .executableTarget(
            name: "GatehouseCLI",
            dependencies: ["Gatehouse"],
            swiftSettings: strictness,
            linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]),
        // Child processes for tests without Foundation's Process (see ChildProcess.swift).
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: strictness),
        .testTarget(
            name: "GatehouseTests",
            dependencies: ["Gatehouse", "GatehouseSupervision", "TestSupport"],
            swiftSettings: strictness),
        .testTarget(
            name: "GatehouseIntegrationTests",
            dependencies: ["Gatehouse", "TestSupport"],
            swiftSettings: strictness),
    ],
    swiftLanguageModes: [.v6]
)
