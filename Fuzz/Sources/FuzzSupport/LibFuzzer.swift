import CLibFuzzer
import Glibc

/// The signature of `LLVMFuzzerTestOneInput`: one input, 0 to keep going.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

/// Runs libFuzzer's driver on `target` with this process's arguments and exits with
/// its status, so a fuzzer's `@main` behaves exactly like libFuzzer's own `main`.
public func runLibFuzzer(_ target: FuzzTarget) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, target))
}

/// Copies libFuzzer's input buffer into an array (empty for a null pointer).
public func inputBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Traps with `message` when `condition` is false.
///
/// Unlike `precondition`, the message survives `-O`, so libFuzzer's crash report says
/// which invariant broke.
public func check(_ condition: Bool, _ message: @autoclosure () -> String,
                  file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("invariant broken: \(message())", file: file, line: line) }
}
