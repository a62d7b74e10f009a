import Foundation
import KeyStore
import Testing

/// keyctl reads its environment from `environ` rather than through `ProcessInfo` (which it would
/// set up only for that): every variable, with its whole value, as `getenv` sees it.
struct ProcessEnvironmentTests {
    @Test func theEnvironmentReadFromEnvironIsTheOneGetenvSees() {
        let variables = ProcessEnvironment.variables()
        #expect(!variables.isEmpty)
        #expect(variables.count == ProcessInfo.processInfo.environment.count)
        for (name, value) in variables {
            #expect(getenv(name).map { String(cString: $0) } == value, "\(name)")
        }
    }
}
