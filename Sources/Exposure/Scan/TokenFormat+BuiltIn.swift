extension TokenFormat {
    /// The credential formats keyctl knows without configuration. `pk_` publishable keys are
    /// public by design and are not here.
    static let builtIn: [TokenFormat] = {
        var formats: [TokenFormat] = []
        let github = [
            ("ghp_", "github-pat", "GitHub personal access token"),
            ("gho_", "github-oauth", "GitHub OAuth access token"),
            ("ghu_", "github-app-user", "GitHub App user-to-server token"),
            ("ghs_", "github-app-server", "GitHub App server-to-server token"),
            ("ghr_", "github-refresh", "GitHub refresh token"),
        ]
        for (prefix, id, title) in github {
            formats.append(TokenFormat(id, title, prefix: prefix, body: .alphanumeric, length: 36...36, validation: .bodyChecksum))
        }
        formats.append(TokenFormat(
            "github-fine-grained-pat", "GitHub fine-grained personal access token", prefix: "github_pat_", body: .alphanumericUnderscore, length: 82...82))
        for (prefix, id, title) in [
            ("sk_live_", "stripe-secret-key", "Stripe live secret key"), ("sk_test_", "stripe-secret-key", "Stripe test secret key"),
            ("rk_live_", "stripe-restricted-key", "Stripe live restricted key"), ("rk_test_", "stripe-restricted-key", "Stripe test restricted key"),
        ] {
            formats.append(TokenFormat(id, title, prefix: prefix, body: .alphanumeric, length: 24...247))
        }
        for prefix in ["AKIA", "ASIA", "ABIA", "ACCA"] {
            formats.append(TokenFormat("aws-access-key-id", "AWS access key id", prefix: prefix, body: .base32Upper, length: 16...16))
        }
        for prefix in ["xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"] {
            formats.append(TokenFormat("slack-token", "Slack token", prefix: prefix, body: .alphanumericDash, length: 10...250))
        }
        formats.append(TokenFormat("google-api-key", "Google API key", prefix: "AIza", body: .urlSafe, length: 35...35))
        formats.append(TokenFormat("gitlab-pat", "GitLab personal access token", prefix: "glpat-", body: .urlSafe, length: 20...20))
        formats.append(TokenFormat("npm-token", "npm access token", prefix: "npm_", body: .alphanumeric, length: 36...36, validation: .bodyChecksum))
        formats.append(TokenFormat("sendgrid-api-key", "SendGrid API key", prefix: "SG.", body: ByteClass("A-Za-z0-9_.-"), length: 66...66))
        formats.append(TokenFormat("pypi-token", "PyPI upload token", prefix: "pypi-AgEIcHlwaS5vcmc", body: .urlSafe, length: 50...1000))
        return formats
    }()
}
