/// Scanner reports as the tools document them, with made-up secrets.
enum ReportFixtures {
    static let stripeSecret = "sk_live_fixture0123456789abcdefWXYZ"
    static let githubSecret = "ghp_fixture0123456789abcdefghijklmnopqr"

    /// `gitleaks detect --report-format json`: every field gitleaks v8 writes.
    static let gitleaksJSON = """
        [
         {
          "RuleID": "stripe-access-token",
          "Description": "Found a Stripe Access Token.",
          "StartLine": 3,
          "EndLine": 3,
          "StartColumn": 12,
          "EndColumn": 46,
          "Match": "STRIPE_KEY=\(stripeSecret)",
          "Secret": "\(stripeSecret)",
          "File": "config/app.env",
          "SymlinkFile": "",
          "Commit": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
          "Entropy": 4.6,
          "Author": "Dana Dev",
          "Email": "dana@example.com",
          "Date": "2026-10-01T09:30:00Z",
          "Message": "add config",
          "Tags": [],
          "Fingerprint": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678:config/app.env:stripe-access-token:3"
         },
         {
          "RuleID": "github-pat",
          "StartLine": 7,
          "Match": "token: \(githubSecret)",
          "Secret": "\(githubSecret)",
          "File": "ci.yml",
          "Commit": "",
          "Author": "",
          "Email": "",
          "Date": "",
          "Fingerprint": "ci.yml:github-pat:7"
         }
        ]
        """

    /// `gitleaks detect --report-format sarif`.
    static let gitleaksSARIF = """
        {
         "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
         "version": "2.1.0",
         "runs": [
          {
           "tool": {"driver": {"name": "gitleaks", "semanticVersion": "v8.18.0", "informationUri": "https://github.com/gitleaks/gitleaks", "rules": []}},
           "results": [
            {
             "message": {"text": "stripe-access-token has detected secret for file config/app.env at commit a1b2c3d4."},
             "ruleId": "stripe-access-token",
             "locations": [
              {"physicalLocation": {
                "artifactLocation": {"uri": "config/app.env"},
                "region": {"startLine": 3, "startColumn": 12, "endLine": 3, "endColumn": 46, "snippet": {"text": "\(stripeSecret)"}}
              }}
             ],
             "partialFingerprints": {"commitSha": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "email": "dana@example.com", "author": "Dana Dev", "date": "2026-10-01T09:30:00Z", "commitMessage": "add config"}
            }
           ]
          }
         ]
        }
        """

    /// `trufflehog git file://. --json`: one object a line; a git finding, then a filesystem one whose
    /// `Raw` is empty and whose secret is in `RawV2`, with a blank line between.
    static let truffleHog = """
        {"SourceMetadata":{"Data":{"Git":{"commit":"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678","file":"config/app.env","email":"Dana Dev <dana@example.com>","repository":"https://example.com/app.git","timestamp":"2026-10-01 11:30:00 +0200 +0200","line":3}}},"SourceID":1,"SourceType":16,"SourceName":"trufflehog - git","DetectorType":17,"DetectorName":"Stripe","DecoderName":"PLAIN","Verified":true,"Raw":"\(stripeSecret)","RawV2":"","Redacted":"","ExtraData":null,"StructuredData":null}

        {"SourceMetadata":{"Data":{"Filesystem":{"file":"ci.yml","line":7}}},"SourceID":2,"SourceType":15,"SourceName":"trufflehog - filesystem","DetectorType":8,"DetectorName":"Github","DecoderName":"PLAIN","Verified":false,"Raw":"","RawV2":"\(githubSecret)","Redacted":""}

        """

    /// `detect-secrets scan > .secrets.baseline`: hashed_secret is the SHA-1 of the secret.
    static func detectSecrets(hashedSecret: String) -> String {
        """
        {
          "version": "1.5.0",
          "plugins_used": [{"name": "AWSKeyDetector"}, {"name": "Base64HighEntropyString", "limit": 4.5}],
          "filters_used": [{"path": "detect_secrets.filters.allowlist.is_line_allowlisted"}],
          "results": {
            "src/settings.py": [
              {"type": "Secret Keyword", "filename": "src/settings.py", "hashed_secret": "\(hashedSecret)", "is_verified": false, "line_number": 12}
            ],
            "README.md": [
              {"type": "Base64 High Entropy String", "filename": "README.md", "hashed_secret": "DF58248C414F342C81E056B40BEE12D17A08BF61", "is_verified": true, "line_number": 4}
            ]
          },
          "generated_at": "2026-10-01T09:30:00Z"
        }
        """
    }
}
