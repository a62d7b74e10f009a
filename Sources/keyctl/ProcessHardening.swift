import Foundation

/// Keeps the secrets keyctl holds in memory out of core dumps and away from debuggers.
///
/// keyctl reads secrets (a key being added, a new credential mid-rotation, a webhook secret).
/// A crash must not write them to a core file, and another process of the same user must not
/// read them through ptrace or `/proc/PID/mem`. `main` calls `disableCoreDumps()` first thing.
enum ProcessHardening {
    /// Sets the core file size limit to 0 (soft and hard) and marks the process not dumpable
    /// (`prctl(PR_SET_DUMPABLE, 0)`), which also covers a piped `core_pattern` such as
    /// systemd-coredump. Best effort: a failure is ignored, since keyctl works without it.
    static func disableCoreDumps() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = setrlimit(resourceCore, &none)
        _ = prctl(PR_SET_DUMPABLE, 0)
    }

    #if canImport(Glibc)
    private static let resourceCore = __rlimit_resource_t(RLIMIT_CORE.rawValue)
    #else
    private static let resourceCore = RLIMIT_CORE
    #endif

    private static let PR_SET_DUMPABLE: Int32 = 4

    /// `prctl(2)` is variadic in C, so Swift cannot call it directly: it is looked up once and
    /// called with a fixed signature, which is how the kernel reads its arguments anyway.
    private typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
    private static let prctlFunction: Prctl? = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "prctl") else { return nil }
        return unsafeBitCast(symbol, to: Prctl.self)
    }()

    private static func prctl(_ option: Int32, _ argument: UInt) -> Int32 {
        prctlFunction?(option, argument, 0, 0, 0) ?? -1
    }
}
