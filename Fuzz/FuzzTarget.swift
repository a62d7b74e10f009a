import Foundation

/// One parser of outside input under fuzzing: a name for `KEYCTL_FUZZ_TARGET` and a check that
/// feeds it one input and stops the process (through `invariant`) when the parser breaks a promise.
struct FuzzTarget: Sendable {
    let name: String
    let check: @Sendable ([UInt8]) -> Void

    static let all: [FuzzTarget] = [
        .config, .importCSV, .importJSON, .webhookHeader, .execReply, .dotenv, .scannerReport,
    ]

    /// The target named by `KEYCTL_FUZZ_TARGET`, chosen once.
    static let selected: FuzzTarget? = {
        let name = ProcessInfo.processInfo.environment["KEYCTL_FUZZ_TARGET"]
        return all.first { $0.name == name }
    }()
}

/// libFuzzer's callback, under the name its own `main` looks for.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { runSelectedTarget(data, size) }

/// Runs the selected target on one input.
func runSelectedTarget(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.selected?.check(bytes)
    return 0
}

/// Stops the run with `message` when a parser broke its promise; libFuzzer saves the input as a crash.
func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    fatalError("invariant broken: \(message())")
}
