using System.Text.RegularExpressions;

namespace ReviewBot.Agents.LlmPass;

/// <summary>
/// Masks anything that looks like a secret before text leaves the machine for a language model: cloud and
/// SaaS keys and tokens (AWS, GitHub, Slack, OpenAI-style <c>sk-</c>, Google, Stripe, JWTs), private key blocks,
/// <c>password=...</c>-style assignments, credentials in URIs, bearer tokens and high-entropy strings.
/// A masked value becomes <c>[REDACTED:kind]</c>; line structure is kept so line numbers stay valid.
/// </summary>
/// <remarks>
/// Over-masking is cheap (the model sees a placeholder), under-masking leaks a secret to a third party, so the
/// patterns err on the side of masking. References to secrets (<c>env_var('X')</c>, <c>${X}</c>,
/// <c>os.environ[...]</c>) are kept: they are the good practice a reviewer wants to see. Hex-only strings
/// (commit SHAs, digests) are not masked by the entropy rule; hex secrets are caught by the assignment rule.
/// </remarks>
public static partial class SecretRedactor
{
    /// <summary>Masks secrets in <paramref name="text"/>, which may span lines.</summary>
    public static string Redact(string text) => Redact(text, out _);

    /// <summary>Masks secrets in <paramref name="text"/>; <paramref name="count"/> is the number of values masked.</summary>
    public static string Redact(string text, out int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        var redacted = RedactLines(lines, out count);
        return count == 0 ? text : string.Join('\n', redacted);
    }

    /// <summary>
    /// Masks secrets line by line, remembering across lines whether a private key block is open, so a key
    /// split over many diff lines is masked entirely.
    /// </summary>
    public static IReadOnlyList<string> RedactLines(IReadOnlyList<string> lines, out int count)
    {
        ArgumentNullException.ThrowIfNull(lines);
        count = 0;
        var result = new string[lines.Count];
        var inKey = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (inKey)
            {
                if (PrivateKeyEnd().IsMatch(line))
                {
                    inKey = false;
                    result[i] = line;
                }
                else
                {
                    result[i] = "[REDACTED:private-key]";
                    count++;
                }

                continue;
            }

            if (PrivateKeyBegin().Match(line) is { Success: true } begin)
            {
                // A one-line key ("-----BEGIN ...-----MIIE...-----END ...-----") or the start of a block.
                var rest = line[(begin.Index + begin.Length)..];
                var end = PrivateKeyEnd().Match(rest);
                result[i] = line[..(begin.Index + begin.Length)] + "[REDACTED:private-key]" + (end.Success ? rest[end.Index..] : "");
                inKey = !end.Success;
                count++;
                continue;
            }

            result[i] = RedactLine(line, ref count);
        }

        return result;
    }

    private static string RedactLine(string line, ref int count)
    {
        var n = 0;
        line = UriCredentials().Replace(line, m =>
        {
            n++;
            return $"{m.Groups["scheme"].Value}{m.Groups["user"].Value}:[REDACTED:password]@";
        });

        foreach (var (regex, kind) in TokenPatterns)
        {
            line = regex.Replace(line, _ =>
            {
                n++;
                return $"[REDACTED:{kind}]";
            });
        }

        line = Assignment().Replace(line, m =>
        {
            var value = m.Groups["value"].Value;
            var inner = value.Trim('"', '\'', '`');
            if (inner.Length == 0 || inner.StartsWith("[REDACTED", StringComparison.Ordinal) || IsReference(inner))
            {
                return m.Value;
            }

            n++;
            var quote = value.Length > 0 && value[0] is '"' or '\'' or '`' ? value[0].ToString() : "";
            return $"{m.Groups["key"].Value}{m.Groups["sep"].Value}{quote}[REDACTED:{Kind(m.Groups["key"].Value)}]{quote}";
        });

        line = Candidate().Replace(line, m =>
        {
            if (!IsHighEntropy(m.Value))
            {
                return m.Value;
            }

            n++;
            return "[REDACTED:high-entropy]";
        });

        count += n;
        return line;
    }

    private static string Kind(string key)
    {
        var k = key.ToLowerInvariant();
        return k.Contains("pass", StringComparison.Ordinal) || k == "pwd" ? "password" : k.Contains("token", StringComparison.Ordinal) ? "token" : "secret";
    }

    /// <summary>True for values that name a secret instead of holding it: templating, env lookups, secret managers.</summary>
    private static bool IsReference(string value) =>
        value.StartsWith("{{", StringComparison.Ordinal) || value.StartsWith("${", StringComparison.Ordinal)
        || value.StartsWith("$(", StringComparison.Ordinal) || value.StartsWith("%(", StringComparison.Ordinal)
        || value.StartsWith('<') || value.StartsWith('$') || value.Contains('(')
        || value.Contains("env_var", StringComparison.OrdinalIgnoreCase) || value.Contains("environ", StringComparison.Ordinal)
        || value.Contains("getenv", StringComparison.OrdinalIgnoreCase) || value.Contains("secrets.", StringComparison.Ordinal)
        || value.Contains("Variable.get", StringComparison.Ordinal) || value.Equals("None", StringComparison.Ordinal)
        || value.Equals("null", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase)
        || value.Equals("false", StringComparison.OrdinalIgnoreCase) || value.All(c => c == '*' || c == 'x' || c == 'X' || c == '.');

    /// <summary>
    /// Base64/URL-safe tokens of 24+ characters that mix upper case, lower case and digits and whose Shannon
    /// entropy is high; identifiers (<c>stg_customers_2024</c>) and paths stay below the bar.
    /// </summary>
    internal static bool IsHighEntropy(string token)
    {
        if (token.Length < 24 || !token.Any(char.IsAsciiDigit) || !token.Any(char.IsAsciiLetterUpper) || !token.Any(char.IsAsciiLetterLower))
        {
            return false;
        }

        var counts = new Dictionary<char, int>();
        foreach (var c in token)
        {
            counts[c] = counts.TryGetValue(c, out var k) ? k + 1 : 1;
        }

        var entropy = 0.0;
        foreach (var k in counts.Values)
        {
            var p = (double)k / token.Length;
            entropy -= p * Math.Log2(p);
        }

        return entropy >= 4.0;
    }

    private static readonly (Regex Regex, string Kind)[] TokenPatterns =
    [
        (new Regex(@"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[0-9A-Z]{16}\b", RegexOptions.CultureInvariant), "aws-access-key"),
        (new Regex(@"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}", RegexOptions.CultureInvariant), "github-token"),
        (new Regex(@"\bxox[abposre]-[A-Za-z0-9-]{10,}", RegexOptions.CultureInvariant), "slack-token"),
        (new Regex(@"\bsk-(?:proj-|ant-|live-|svcacct-)?[A-Za-z0-9_\-]{20,}", RegexOptions.CultureInvariant), "api-key"),
        (new Regex(@"\b[rsp]k_(?:live|test)_[0-9A-Za-z]{16,}", RegexOptions.CultureInvariant), "stripe-key"),
        (new Regex(@"\bAIza[0-9A-Za-z_\-]{35}", RegexOptions.CultureInvariant), "google-api-key"),
        (new Regex(@"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}", RegexOptions.CultureInvariant), "jwt"),
        (new Regex(@"(?i)\bbearer\s+[A-Za-z0-9._~+/\-]{16,}=*", RegexOptions.CultureInvariant), "bearer-token"),
        (new Regex(@"(?i)(?<=\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig)=)[A-Za-z0-9+/%]{16,}={0,2}", RegexOptions.CultureInvariant), "azure-key"),
    ];

    [GeneratedRegex(@"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyBegin();

    [GeneratedRegex(@"-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex PrivateKeyEnd();

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?<user>[^\s:/@""'`]*):(?<password>[^\s@/""'`]+)@", RegexOptions.CultureInvariant)]
    private static partial Regex UriCredentials();

    [GeneratedRegex(@"(?<key>\b(?:[A-Za-z0-9]+[_\-.])*(?:password|passwd|passphrase|pwd|secret|secret[_\-]?key|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|auth[_\-]?token|access[_\-]?token|refresh[_\-]?token|token|client[_\-]?secret|credentials?)\b[""'`]?)(?<sep>\s*(?::=|=>|=|:)\s*)(?<value>""[^""]*""|'[^']*'|`[^`]*`|[^\s,;)\]}]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(?<![A-Za-z0-9+/_\-=])[A-Za-z0-9+/_\-]{24,}={0,2}(?![A-Za-z0-9+/_\-=])", RegexOptions.CultureInvariant)]
    private static partial Regex Candidate();
}
