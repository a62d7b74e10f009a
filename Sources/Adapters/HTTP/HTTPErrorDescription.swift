import AsyncHTTPClient
import Rotation

/// Short descriptions of transport errors, without request details that could carry a secret.
enum HTTPErrorDescription {
    static func describe(_ error: any Error) -> String {
        SecretRedactor().redact(summary(error))
    }

    private static func summary(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            return "timed out"
        case is HTTPClientError:
            return "HTTP client error (\(String(describing: error).prefix(80)))"
        default:
            let text = String(describing: error)
            return text.contains("onnection refused") ? "connection refused" : String(text.prefix(120))
        }
    }
}
