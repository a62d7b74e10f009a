import Foundation
import KeyctlTestSupport
import Rotation
import Testing

struct SecretCustodyFileTests {
    let folder = TemporaryFolder()

    func keyFile(mode: mode_t) throws -> String {
        let path = folder.file("custody.key")
        _ = try SecretCustody.load(environment: [:], keyFile: path)
        chmod(path, mode)
        return path
    }

    @Test func aKeyFileCreatedByKeyctlIsPrivateAndLoadsAgain() throws {
        let path = try keyFile(mode: 0o600)
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
        _ = try SecretCustody.load(environment: [:], keyFile: path)
    }

    @Test(arguments: [mode_t(0o644), 0o640, 0o604, 0o620, 0o660])
    func aKeyFileOpenToItsGroupOrOthersIsRefused(mode: mode_t) throws {
        let path = try keyFile(mode: mode)
        let error = #expect(throws: CustodyError.self) { try SecretCustody.load(environment: [:], keyFile: path) }
        #expect(error?.description.contains("chmod 600") == true, "\(error?.description ?? "")")
    }

    @Test func aKeyFileThatIsASymbolicLinkIsRefused() throws {
        let real = try keyFile(mode: 0o600)
        let link = folder.file("link.key")
        #expect(symlink(real, link) == 0)
        let error = #expect(throws: CustodyError.self) { try SecretCustody.load(environment: [:], keyFile: link) }
        #expect(error?.description.contains("symbolic link") == true)
    }
}
