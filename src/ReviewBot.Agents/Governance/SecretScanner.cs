using System.Text.RegularExpressions;

namespace ReviewBot.Agents.Governance;

/// <summary>A secret found on a line: what kind, where in the line, and a masked hint that never reveals it.</summary>
internal sealed record SecretMatch(string Kind, int Start, int Length, string Hint);

/// <summary>
/// Finds secrets on a line by pattern (cloud keys, tokens, private keys, credentialed URIs) and by
/// entropy (a long random-looking literal assigned to a key named like a secret). Placeholders,
/// env lookups and templated values are not secrets.
/// </summary>
internal static partial class SecretScanner
{
    private static readonly (string Kind, Regex Regex)[] Patterns =
    [
        ("AWS access key id", new Regex(@"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[0-9A-Z]{16}\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("GitHub token", new Regex(@"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("Slack token", new Regex(@"\bxox[abposr]-[A-Za-z0-9-]{10,}\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("Google API key", new Regex(@"\bAIza[0-9A-Za-z\-_]{35}\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("Stripe secret key", new Regex(@"\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("OpenAI API key", new Regex(@"\bsk-(?:proj-)?[A-Za-z0-9_-]{32,}\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("private key", new Regex(@"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("Azure storage account key", new Regex(@"AccountKey=[A-Za-z0-9+/]{40,}={0,2}", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("JSON web token", new Regex(@"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
        ("GCP service account key", new Regex(@"""private_key_id""\s*:\s*""[0-9a-f]{40}""", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))),
    ];

    [GeneratedRegex("""\b([a-zA-Z][a-zA-Z0-9+.\-]*)://([^\s:/@'"]+):([^\s@/'"]+)@[^\s'"]+""", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialedUri();

    [GeneratedRegex("""(?i)\b([\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?key|credentials?)[\w.-]*)["']?\s*(?::|=|=>|:=)\s*(?:(["'])(.*?)\2|([^\s,;#'"}\]]+))""", RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    // Cheap literal pre-checks: most lines contain none of these, and skip every regex.
    private static readonly System.Buffers.SearchValues<string> PatternMarkers = System.Buffers.SearchValues.Create(
        ["AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xox", "AIza", "_live_", "sk-", "PRIVATE KEY", "AccountKey=", "eyJ", "private_key_id"],
        StringComparison.Ordinal);

    private static readonly System.Buffers.SearchValues<string> KeyMarkers = System.Buffers.SearchValues.Create(
        ["password", "passwd", "pwd", "secret", "token", "api_key", "api-key", "apikey", "access_key", "access-key", "private_key", "private-key", "auth_key", "auth-key", "credential"],
        StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<SecretMatch> Scan(string line, bool profilesFile, bool code)
    {
        var found = new List<SecretMatch>();
        var span = line.AsSpan();
        var hasPattern = span.IndexOfAny(PatternMarkers) >= 0;
        var hasUri = span.IndexOf("://", StringComparison.Ordinal) >= 0 && span.IndexOf('@') >= 0;
        var hasKey = span.IndexOfAny(KeyMarkers) >= 0;
        if (!hasPattern && !hasUri && !hasKey)
        {
            return found;
        }

        foreach (var (kind, regex) in hasPattern ? Patterns : [])
        {
            foreach (Match m in regex.Matches(line))
            {
                found.Add(new SecretMatch(kind, m.Index, m.Length, Mask(m.Value, kind)));
            }
        }

        foreach (Match m in hasUri ? CredentialedUri().Matches(line) : Enumerable.Empty<Match>())
        {
            var password = m.Groups[3];
            if (!IsPlaceholder(password.Value))
            {
                found.Add(new SecretMatch($"credentialed {m.Groups[1].Value} URI", password.Index, password.Length, $"{m.Groups[1].Value}://{m.Groups[2].Value}:{Stars(password.Value)}@…"));
            }
        }

        foreach (Match m in hasKey ? Assignment().Matches(line) : Enumerable.Empty<Match>())
        {
            var value = m.Groups[3].Success ? m.Groups[3] : m.Groups[4];
            var key = m.Groups[1].Value;
            if (value.Length == 0 || IsPlaceholder(value.Value) || found.Any(f => Overlaps(f, value.Index, value.Length)))
            {
                continue;
            }

            // A key that merely mentions a secret ("token_url", "password_reset_at") is not one.
            var lowerKey = key.ToLowerInvariant();
            if (lowerKey.EndsWith("_url", StringComparison.Ordinal) || lowerKey.EndsWith("_at", StringComparison.Ordinal) || lowerKey.EndsWith("_env", StringComparison.Ordinal)
                || lowerKey.EndsWith("_file", StringComparison.Ordinal) || lowerKey.EndsWith("_path", StringComparison.Ordinal) || lowerKey.EndsWith("_name", StringComparison.Ordinal)
                || lowerKey.Contains("token_type", StringComparison.Ordinal) || lowerKey.EndsWith("_id", StringComparison.Ordinal) || lowerKey.Contains("expir", StringComparison.Ordinal))
            {
                continue;
            }

            var isPassword = lowerKey.Contains("password", StringComparison.Ordinal) || lowerKey.Contains("passwd", StringComparison.Ordinal) || lowerKey == "pwd";
            var literalInProfiles = profilesFile && isPassword && value.Value.Length >= 1;
            var quoted = m.Groups[3].Success;
            if (!quoted && code)
            {
                // In code an unquoted value is a variable or an expression, not a literal.
                continue;
            }

            var strong = value.Length >= 12 && Entropy(value.Value) >= 3.5;
            var passwordLiteral = isPassword && quoted && value.Length >= 6 && Entropy(value.Value) >= 2.5;
            if (literalInProfiles || strong || passwordLiteral)
            {
                found.Add(new SecretMatch(isPassword ? "literal password" : "high-entropy secret", value.Index, value.Length, Mask(value.Value, "secret")));
            }
        }

        return found;
    }

    /// <summary>The line with every secret replaced by asterisks: safe to store as an anchor.</summary>
    public static string Redact(string line, IEnumerable<SecretMatch> matches)
    {
        var chars = line.ToCharArray();
        foreach (var m in matches)
        {
            for (var i = m.Start; i < m.Start + m.Length && i < chars.Length; i++)
            {
                chars[i] = '*';
            }
        }

        return new string(chars);
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    public static double Entropy(string value)
    {
        if (value.Length == 0)
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

    private static bool IsPlaceholder(string value)
    {
        var v = value.Trim();
        if (v.Length == 0)
        {
            return true;
        }

        var lower = v.ToLowerInvariant();
        return v.Contains("{{", StringComparison.Ordinal) || v.Contains("${", StringComparison.Ordinal) || v.StartsWith('$') || v.StartsWith('<') || v.StartsWith('%')
            || lower.Contains("env_var", StringComparison.Ordinal) || lower.Contains("environ", StringComparison.Ordinal) || lower.Contains("getenv", StringComparison.Ordinal)
            || lower.Contains("secret(", StringComparison.Ordinal) || lower.Contains("vault", StringComparison.Ordinal) || lower.StartsWith("envvar", StringComparison.Ordinal)
            || lower is "none" or "null" or "true" or "false" or "changeme" or "change_me" or "password" or "secret" or "redacted" or "example" or "your_password" or "xxx" or "***" or "required" or "optional" or "str" or "string"
            || lower.All(c => c is 'x' or '*' or '.' or '-' or '_')
            || lower.StartsWith("your", StringComparison.Ordinal) || lower.StartsWith("dummy", StringComparison.Ordinal) || lower.StartsWith("fake", StringComparison.Ordinal)
            || lower.StartsWith("test", StringComparison.Ordinal) || lower.StartsWith("sample", StringComparison.Ordinal) || lower.StartsWith("example", StringComparison.Ordinal)
            || lower.StartsWith("placeholder", StringComparison.Ordinal) || lower.StartsWith("self.", StringComparison.Ordinal) || lower.StartsWith("config.", StringComparison.Ordinal)
            || lower.StartsWith("settings.", StringComparison.Ordinal) || lower.StartsWith("os.", StringComparison.Ordinal) || lower.StartsWith("args.", StringComparison.Ordinal)
            || lower.Contains('(', StringComparison.Ordinal);
    }

    private static bool Overlaps(SecretMatch m, int start, int length) => start < m.Start + m.Length && m.Start < start + length;

    private static string Mask(string value, string kind)
    {
        // Known prefixes say what the key is without revealing any of its secret part.
        var prefix = kind switch
        {
            "AWS access key id" or "Google API key" => value[..4],
            "GitHub token" => value[..Math.Min(4, value.Length)],
            "Slack token" => value[..5],
            "Stripe secret key" => value[..8],
            "private key" => "-----BEGIN … PRIVATE KEY-----",
            _ => "",
        };
        return kind == "private key" ? prefix : $"{prefix}{Stars(value[prefix.Length..])}";
    }

    private static string Stars(string value) => $"{new string('*', Math.Min(8, Math.Max(4, value.Length)))} ({value.Length} chars)";
}
