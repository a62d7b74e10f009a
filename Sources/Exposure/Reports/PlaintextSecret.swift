import KeyStore

/// The secret a report gives in plaintext, checked: not empty and not redacted by the scanner.
enum PlaintextSecret {
    /// What gitleaks writes in place of the secret with `--redact`.
    static let redactedMarkers: Set<String> = ["REDACTED"]

    static func make(_ text: String, file: String, place: String) throws(ScannerReportError) -> Secret {
        guard !redactedMarkers.contains(text) else {
            throw ScannerReportError(
                file: file, place: place, problem: "the secret is redacted; keyctl needs the scanner's unredacted report (gitleaks without --redact)")
        }
        do {
            return try Secret(bytes: Array(text.utf8))
        } catch {
            throw ScannerReportError(file: file, place: place, problem: "the secret is empty")
        }
    }
}
