using System.Buffers;
using System.Text.RegularExpressions;

namespace ReviewBot.Agents.Secrets;

/// <summary>
/// One provider-specific secret shape: a kind for messages, a regex whose <c>secret</c> group (or whole match) is
/// the value, the literal markers a line must contain before the regex runs, and how many leading characters of
/// the value may be shown (a public prefix such as <c>AKIA</c> that says what the key is).
/// </summary>
internal sealed record SecretPattern(string Id, string Kind, Regex Regex, IReadOnlyList<string> Markers, int VisiblePrefix);

/// <summary>
/// The one catalogue of secret shapes, read by detection (<see cref="Governance.SecretScanner"/>, the
/// <c>secret-in-code</c> rule, model-output scrubbing) and by LLM redaction (<see cref="LlmPass.SecretRedactor"/>,
/// which masks everything detection finds and more). Every regex is linear (no nested quantifiers) and carries a
/// timeout; callers feed it bounded windows of a line, so a 1 MB line costs time proportional to its length.
/// </summary>
internal static class SecretCatalog
{
    /// <summary>Per-match time limit; a window is at most <see cref="Window"/> characters, so this is never close.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>Long lines are scanned in windows of this size that overlap by <see cref="Overlap"/> characters.</summary>
    public const int Window = 4_096;

    /// <summary>Longer than any secret shape of the catalogue, so a secret straddling two windows is whole in one.</summary>
    public const int Overlap = 1_024;

    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    private static Regex R(string pattern, RegexOptions extra = RegexOptions.None) => new(pattern, Options | extra, RegexTimeout);

    public static IReadOnlyList<SecretPattern> Patterns { get; } =
    [
        new("aws-access-key", "AWS access key id", R(@"\b(?<secret>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AROA|ANPA|ANVA|APKA)[0-9A-Z]{16})\b"),
            ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "AROA", "ANPA", "ANVA", "APKA"], 4),
        new("aws-secret-key", "AWS secret access key", R(@"(?i)aws_?secret_?(?:access_?)?key[""']?\s*(?:=|:|=>)\s*[""']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"),
            ["secret_access_key", "secretaccesskey", "aws_secret", "awssecret"], 0),
        new("gcp-api-key", "Google API key", R(@"\b(?<secret>AIza[0-9A-Za-z_\-]{35})(?![0-9A-Za-z_\-])"), ["AIza"], 4),
        new("gcp-service-account", "GCP service account key", R(@"""private_key_id""\s*:\s*""(?<secret>[0-9a-f]{40})"""), ["private_key_id"], 0),
        new("gcp-oauth-secret", "Google OAuth client secret", R(@"\b(?<secret>GOCSPX-[A-Za-z0-9_\-]{28})(?![A-Za-z0-9_\-])"), ["GOCSPX-"], 7),
        new("azure-storage-key", "Azure storage account key", R(@"(?i)AccountKey=(?<secret>[A-Za-z0-9+/]{20,}={0,2})"), ["AccountKey="], 0),
        new("azure-sas", "Azure shared access signature", R(@"(?i)(?:[?&;]sig=|SharedAccessSignature=(?:[^;""'\s]*?sig=)?|SharedAccessKey=)(?<secret>[A-Za-z0-9%+/]{20,}(?:%3D|=){0,2})"),
            ["sig=", "SharedAccessSignature=", "SharedAccessKey="], 0),
        new("azure-client-secret", "Azure AD client secret", R(@"(?<![A-Za-z0-9_~.\-])(?<secret>[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])"), ["Q~"], 0),
        new("slack-webhook", "Slack webhook URL", R(@"https://hooks\.slack\.com/(?:services|workflows|triggers)/(?<secret>[A-Za-z0-9_\-]+/[A-Za-z0-9_/\-]{8,})"),
            ["hooks.slack.com"], 0),
        new("slack-token", "Slack token", R(@"\b(?<secret>xox[abposre]-[A-Za-z0-9\-]{10,})"), ["xox"], 5),
        new("github-token", "GitHub token", R(@"\b(?<secret>gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})"),
            ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], 4),
        new("gitlab-token", "GitLab token", R(@"\b(?<secret>gl(?:pat|ptt|dt|rt|cbt|soat|ft|imt|oas)-[A-Za-z0-9_\-]{20,})"), ["glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "glsoat-", "glft-", "glimt-", "gloas-"], 6),
        new("stripe-key", "Stripe secret key", R(@"\b(?<secret>[rs]k_(?:live|test)_[0-9A-Za-z]{20,})"), ["k_live_", "k_test_"], 8),
        new("databricks-token", "Databricks token", R(@"\b(?<secret>dapi[0-9a-f]{32}(?:-\d+)?)(?![0-9A-Za-z])"), ["dapi"], 4),
        new("openai-key", "OpenAI/Anthropic API key", R(@"\b(?<secret>sk-(?:proj-|svcacct-|admin-|ant-(?:api\d\d-)?)?[A-Za-z0-9_\-]{32,})"), ["sk-"], 3),
        new("jwt", "JSON web token", R(@"\b(?<secret>eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,})"), ["eyJ"], 0),
        new("private-key", "private key", R(@"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"), ["PRIVATE KEY"], 0),
        new("credentialed-url", "credentialed URL", R(@"\b(?<scheme>[a-zA-Z][a-zA-Z0-9+.\-]{1,30})://(?<user>[^\s:/@'""`]{0,256}):(?<secret>[^\s@/'""`]{1,256})@(?<host>[^\s/:'""`?,;]{1,256})"),
            ["://"], 0),
        new("url-password-param", "password in a connection URL", R(@"(?i)(?:jdbc|odbc|://)[^\s'""`]{0,512}?[?&;](?:password|pwd)=(?<secret>[^&;\s'""`]{1,256})"),
            ["password=", "pwd="], 0),
        new("sql-password", "password in SQL", R(@"(?i)(?:\bpassword\s{0,4}=?\s{0,4}|\bidentified\s+by\s+)'(?<secret>[^'\n]{1,256})'"), ["password", "identified"], 0),
    ];

    /// <summary>Any marker of any pattern: a line with none of them skips every provider regex.</summary>
    public static SearchValues<string> Markers { get; } = SearchValues.Create(Patterns.SelectMany(p => p.Markers).Distinct().ToArray(), StringComparison.OrdinalIgnoreCase);

    /// <summary>Words that make a key name a secret's name; a line with none of them skips the assignment scan.</summary>
    public static SearchValues<string> KeyWords { get; } = SearchValues.Create(
        ["password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "api_key", "api-key", "access_key", "access-key", "accesskey",
            "private_key", "private-key", "privatekey", "auth_key", "credential", "signing_key", "encryption_key", "master_key"],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when <paramref name="key"/> names a secret (<c>DB_PASSWORD</c>, <c>stripe_api_key</c>, <c>client_secret</c>)
    /// rather than something about one (<c>token_url</c>, <c>password_reset_at</c>, <c>aws_access_key_id</c>).
    /// </summary>
    public static bool IsSecretKey(string key, out bool isPassword)
    {
        var k = key.Trim('"', '\'', '`').ToLowerInvariant().Replace('-', '_').Replace('.', '_');
        isPassword = k.Contains("password", StringComparison.Ordinal) || k.Contains("passwd", StringComparison.Ordinal)
            || k.Contains("passphrase", StringComparison.Ordinal) || k == "pwd" || k.EndsWith("_pwd", StringComparison.Ordinal) || k.StartsWith("pwd_", StringComparison.Ordinal);
        var secretish = isPassword || k.Contains("secret", StringComparison.Ordinal) || k.Contains("token", StringComparison.Ordinal)
            || k.Contains("apikey", StringComparison.Ordinal) || k.Contains("api_key", StringComparison.Ordinal) || k.Contains("access_key", StringComparison.Ordinal)
            || k.Contains("accesskey", StringComparison.Ordinal) || k.Contains("private_key", StringComparison.Ordinal) || k.Contains("privatekey", StringComparison.Ordinal)
            || k.Contains("auth_key", StringComparison.Ordinal) || k.Contains("credential", StringComparison.Ordinal) || k.Contains("signing_key", StringComparison.Ordinal)
            || k.Contains("encryption_key", StringComparison.Ordinal) || k.Contains("master_key", StringComparison.Ordinal);
        if (!secretish)
        {
            return false;
        }

        string[] about = ["_url", "_uri", "_at", "_env", "_file", "_path", "_name", "_id", "_type", "_length", "_len", "_policy", "_ttl", "_count", "_endpoint",
            "_format", "_enabled", "_required", "_header", "_field", "_column", "_table", "_var", "_variable", "_ref", "_arn", "_version", "_prefix", "_dir", "_key_id", "_expiry", "_min", "_max", "_hint", "_prompt", "_label", "_message", "_help", "_placeholder", "_regex", "_pattern", "_input", "_strength", "_validator", "_mode", "_method", "_scope", "_scopes", "_location", "_store"];
        if (about.Any(s => k.EndsWith(s, StringComparison.Ordinal)) || k.Contains("expir", StringComparison.Ordinal) || k.Contains("rotation", StringComparison.Ordinal)
            || k.Contains("token_type", StringComparison.Ordinal) || k.Contains("reset", StringComparison.Ordinal) || k.StartsWith("is_", StringComparison.Ordinal)
            || k.StartsWith("has_", StringComparison.Ordinal) || k.StartsWith("use_", StringComparison.Ordinal) || k.Contains("tokenizer", StringComparison.Ordinal)
            || k.EndsWith("tokens", StringComparison.Ordinal) || k.Contains("max_token", StringComparison.Ordinal))
        {
            isPassword = false;
            return false;
        }

        return true;
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        var counts = new Dictionary<char, int>();
        foreach (var c in value)
        {
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        double entropy = 0;
        foreach (var count in counts.Values)
        {
            var p = (double)count / value.Length;
            entropy -= p * Math.Log2(p);
        }

        return entropy;
    }
}
