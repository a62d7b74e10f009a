import Foundation
import ArgumentParser
import KeyStore
import KeyctlConfig
import Rotation

/// The one table from errors to exit codes (see the spec's exit code table and docs/cli.md).
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let critical: Int32 = 2
    static let usage: Int32 = 64
    static let badInput: Int32 = 65
    static let unavailable: Int32 = 69
    static let temporary: Int32 = 75

    /// The exit code for an error thrown by a command, and the one-line message to print
    /// (nil when the error carries only a code, such as `report`'s warning and critical).
    /// Errors keyctl does not know are failures (1) with their description.
    static func classify(_ error: any Error) -> (code: Int32, message: String?) {
        known(error) ?? (failure, "\(error)")
    }

    /// The classification of keyctl's own errors; nil for others (such as the argument parser's).
    static func known(_ error: any Error) -> (code: Int32, message: String?)? {
        switch error {
        case let error as KeyStoreError:
            return (code(for: error.category), error.message)
        case let error as ConfigError:
            return (badInput, "config error: \(error)")
        case let error as CommandFailure:
            switch error.kind {
            case .usage: return (usage, error.message)
            case .badInput: return (badInput, error.message)
            case .failed: return (failure, error.message)
            }
        case let error as RotationFailure:
            return (classify(error.underlying).code, error.description)
        case let error as UnknownFaultPoint:
            return (usage, error.description)
        case let error as PreflightFailure:
            return (known(error.underlying)?.code ?? failure, error.description)
        case let error as AdapterError:
            return (error.kind == .unavailable ? unavailable : failure, error.description)
        case let error as CustodyError:
            return (failure, error.description)
        case let error as RotationError:
            return (failure, error.description)
        case let error as ExitCode:
            return (error.rawValue, nil)
        default:
            return nil
        }
    }

    /// The exit code of a rotation that ended or waits for its grace: 2 when the old secret is still
    /// accepted after delete, 1 when that could not be confirmed (the verifier was unreachable).
    static func code(for rotation: RotationRecord) -> Int32 {
        switch rotation.revocation {
        case .accepted?: critical
        case .unconfirmed?: failure
        case .rejected?, nil: success
        }
    }

    /// The worse of two outcomes, for a batch that exits with its worst: critical (2), then a
    /// failure that needs an operator (1), then a service unavailable (69), then busy (75).
    static func worse(_ first: Int32, _ second: Int32) -> Int32 {
        let severity: [Int32] = [success, temporary, unavailable, usage, badInput, failure, critical]
        let rank = { (code: Int32) in severity.firstIndex(of: code) ?? severity.count - 2 }
        return rank(first) >= rank(second) ? first : second
    }

    static func code(for category: KeyStoreError.Category) -> Int32 {
        switch category {
        case .invalidInput, .registryUnreadable: badInput
        case .busy: temporary
        case .unavailable: unavailable
        case .superseded: success
        case .notFound, .conflict, .registryMissing, .schemaMismatch, .failed: failure
        }
    }
}
