import Foundation

// The libFuzzer driver for keyctl's parsers of outside input. Built only by `scripts/fuzz`
// (KEYCTL_FUZZ=1 in Package.swift); KEYCTL_FUZZ_TARGET names the parser, the arguments are
// libFuzzer's (corpus folders, -max_total_time=60, ...). See docs/fuzzing.md.

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

guard FuzzTarget.selected != nil else {
    let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
    FileHandle.standardError.write(Data("KeyctlFuzz: set KEYCTL_FUZZ_TARGET to one of: \(names)\n".utf8))
    exit(64)
}
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argc, &argv) { data, size in runSelectedTarget(data, size) })
