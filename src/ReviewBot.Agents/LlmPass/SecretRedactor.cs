using System.Text.RegularExpressions;
using ReviewBot.Agents.Secrets;

namespace ReviewBot.Agents.LlmPass;

/// <summary>
/// Masks anything that looks like a secret before text leaves the machine for a language model: everything the
/// shared secret catalogue and detection find (the <c>secret-in-code</c> rule's own reading of the file, by its
/// structure), and more — any value of a secret-named key, credentials in URIs, bearer tokens and high-entropy
/// strings. The redactor is a strict superset of detection (a test holds it to that).
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
    /// Masks secrets in lines of unknown origin: the text is read as YAML, as <c>.env</c> and as a config file, and
    /// whatever any of those readings finds is masked, then the redactor's own wider patterns run.
    /// </summary>
    public static IReadOnlyList<string> RedactLines(IReadOnlyList<string> lines, out int count)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var hits = SecretDetector.Scan(lines, SecretFileKind.Yaml, example: false, profiles: true)
            .Concat(SecretDetector.Scan(lines, SecretFileKind.Env, example: false, profiles: true))
            .Concat(SecretDetector.Scan(lines, SecretFileKind.Config, example: false, profiles: true))
            .ToList();
        return Apply(lines, hits, out count);
    }

    /// <summary>
    /// Masks secrets in the lines of the file at <paramref name="path"/>, read by its structure: everything the
    /// detection (<see cref="SecretDetector"/>, the <c>secret-in-code</c> rule) finds, plus the redactor's wider
    /// patterns. <paramref name="flagged"/> holds the indexes of lines the detection flagged.
    /// </summary>
    internal static IReadOnlyList<string> RedactDocument(string path, IReadOnlyList<string> lines, out int count, out IReadOnlySet<int> flagged)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var detected = SecretDetector.Scan(path, lines);
        flagged = detected.Select(h => h.Line).ToHashSet();
        var hits = detected.Concat(SecretDetector.Scan(lines, SecretDetector.KindOf(path) == SecretFileKind.Yaml ? SecretFileKind.Yaml : SecretFileKind.Config, example: false, profiles: true)).ToList();
        return Apply(lines, hits, out count);
    }

    private static string[] Apply(IReadOnlyList<string> lines, List<SecretHit> hits, out int count)
    {
        count = 0;
        var result = new string[lines.Count];
        var byLine = hits.GroupBy(h => h.Line).ToDictionary(g => g.Key, g => g.ToList());
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (byLine.TryGetValue(i, out var onLine))
            {
                // Merge overlapping spans (several readings may find the same value), then replace right to left.
                var spans = new List<(int Start, int End, string Kind)>();
                foreach (var h in onLine.OrderBy(h => h.Start))
                {
                    var end = Math.Min(line.Length, h.End);
                    if (spans.Count > 0 && h.Start < spans[^1].End)
                    {
                        spans[^1] = (spans[^1].Start, Math.Max(spans[^1].End, end), spans[^1].Kind);
                    }
                    else if (h.Start < end)
                    {
                        spans.Add((h.Start, end, Slug(h.Kind)));
                    }
                }

                for (var s = spans.Count - 1; s >= 0; s--)
                {
                    line = string.Concat(line.AsSpan(0, spans[s].Start), $"[REDACTED:{spans[s].Kind}]", line.AsSpan(spans[s].End));
                }

                count += spans.Count;
            }

            result[i] = RedactLine(line, ref count);
        }

        return result;
    }

    private static string Slug(string kind) => kind switch
    {
        "literal password" or "password in a connection string" or "password in a connection URL" or "password in SQL" => "password",
        "high-entropy secret" => "secret",
        "private key" or "many secrets" => kind.Replace(' ', '-'),
        _ when kind.StartsWith("credentialed", StringComparison.Ordinal) => "password",
        _ => kind.ToLowerInvariant().Replace(' ', '-').Replace('/', '-'),
    };

    private static string RedactLine(string line, ref int count)
    {
        try
        {
            return RedactLineWithin(line, ref count);
        }
        catch (RegexMatchTimeoutException)
        {
            // A line the wider patterns cannot scan in time is withheld whole: over-masking is cheap, a leak is not.
            count++;
            return "[REDACTED:line too complex to scan]";
        }
    }

    private static string RedactLineWithin(string line, ref int count)
    {
        var n = 0;
        line = UriCredentials().Replace(line, m =>
        {
            if (m.Groups["password"].Value.StartsWith("[REDACTED", StringComparison.Ordinal))
            {
                return m.Value;
            }

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

    /// <summary>
    /// Shapes only the redactor masks (wider than detection): bearer tokens after <c>Authorization</c>. Provider
    /// shapes live in <see cref="SecretCatalog"/>, shared with detection.
    /// </summary>
    private static readonly (Regex Regex, string Kind)[] TokenPatterns =
    [
        (new Regex(@"(?i)\bbearer\s+[A-Za-z0-9._~+/\-]{16,}=*", RegexOptions.CultureInvariant, SecretCatalog.RegexTimeout), "bearer-token"),
    ];

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.\-]*://)(?<user>[^\s:/@""'`]*):(?<password>[^\s@/""'`]+)@", RegexOptions.CultureInvariant, 250)]
    private static partial Regex UriCredentials();

    [GeneratedRegex(@"(?<key>\b(?:[A-Za-z0-9]+[_\-.])*(?:password|passwd|passphrase|pwd|secret|secret[_\-]?key|api[_\-]?key|apikey|access[_\-]?key|private[_\-]?key|auth[_\-]?token|access[_\-]?token|refresh[_\-]?token|token|client[_\-]?secret|credentials?)\b[""'`]?)(?<sep>\s*(?::=|=>|=|:)\s*)(?<value>""[^""]*""|'[^']*'|`[^`]*`|[^\s,;)\]}]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 250)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"(?<![A-Za-z0-9+/_\-=])[A-Za-z0-9+/_\-]{24,}={0,2}(?![A-Za-z0-9+/_\-=])", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Candidate();
}
