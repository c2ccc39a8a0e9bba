using System.Text.RegularExpressions;

namespace ReviewBot.Agents.Secrets;

/// <summary>How sure a hit is: a secret (critical), or a documented example / local test credential (info).</summary>
internal enum SecretCertainty
{
    Secret,
    Example,
}

/// <summary>How a file's values are written, which decides what counts as a literal.</summary>
internal enum SecretFileKind
{
    /// <summary>Python, SQL, JS...: an unquoted value is an expression (a variable, a call), only string literals count.</summary>
    Code,

    /// <summary>YAML: values may be unquoted, multi-word, on the next line, or block scalars.</summary>
    Yaml,

    /// <summary><c>.env</c> files: <c>KEY=value</c>, the value runs to the end of the line.</summary>
    Env,

    /// <summary>ini/cfg/toml/properties/json: an unquoted value runs to the end of the line.</summary>
    Config,

    /// <summary>Terraform/HCL: unquoted values are references (<c>var.x</c>), quoted ones are literals.</summary>
    Terraform,

    /// <summary>Documentation: assignments are examples; provider-shaped keys still count.</summary>
    Docs,

    /// <summary>Free text (model output): an unquoted value is one word.</summary>
    Prose,
}

/// <summary>
/// A secret on a line (0-based <see cref="Line"/>; <see cref="Start"/>/<see cref="Length"/> within it), its kind, a hint
/// that never reveals it, and whether it is a secret or a documented example.
/// </summary>
internal sealed record SecretHit(int Line, int Start, int Length, string Kind, string Hint, SecretCertainty Certainty)
{
    public int End => Start + Length;
}

/// <summary>
/// Finds secrets in a document by its structure, not one line at a time: provider shapes from
/// <see cref="SecretCatalog"/> anywhere in a line (long lines in bounded windows), private key blocks over many
/// lines, credentials in URLs and connection strings, and secret-named keys with literal values — YAML values on
/// the next line or in block scalars, multi-word unquoted values, <c>.env</c> values with spaces, string literals
/// in code. References and placeholders (<see cref="SecretAllowlist"/>) are not secrets.
/// </summary>
internal static partial class SecretDetector
{
    [GeneratedRegex("""(?<![\w.\-])(?<key>[A-Za-z_][\w.\-]{0,80})["'`]?\]?(?:\s{0,4}:\s{0,4}(?:str|bytes|Optional\[str\]|SecretStr|Final(?:\[str\])?|String|string)\b)?\s{0,8}(?<sep>:=|=>|=|:)(?![=:])\s{0,8}(?<value>"(?:[^"\\]|\\.){0,2048}"|'(?:[^'\\]|\\.){0,2048}'|`[^`]{0,2048}`|[^\s,;#'"`})\]]{1,2048})""", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 250)]
    private static partial Regex Assignment();

    [GeneratedRegex("""^(?<indent>[ \t]*)(?:-[ \t]+)?["']?(?<key>[A-Za-z_][\w.\-]{0,80})["']?[ \t]*:(?:[ \t]+(?<rest>.*))?$""", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 250)]
    private static partial Regex YamlKey();

    [GeneratedRegex("""^\s*(?:export\s+)?(?<key>[A-Za-z_][A-Za-z0-9_.\-]{0,80})\s*=\s*(?<value>.*)$""", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 250)]
    private static partial Regex EnvLine();

    [GeneratedRegex("""(?i)(?<![A-Za-z0-9_])(?:pwd|password|passwd)\s{0,4}=\s{0,4}(?<secret>\{[^}]{1,256}\}|[^;'"\s{][^;'"]{0,255}?)\s*(?=;|'|"|$)""", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, 250)]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex("""(?i)(?:^|[;"'\s])(?:server|data source|host|hostname|uid|user id|user|username|driver|database|initial catalog|dsn|account|warehouse|port|provider|addr|address)\s{0,4}=""", RegexOptions.CultureInvariant, 250)]
    private static partial Regex ConnectionStringKey();

    [GeneratedRegex(@"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant, 250)]
    private static partial Regex PrivateKeyEnd();

    /// <summary>The kind of a hit on a line the patterns could not scan in time.</summary>
    public const string Unscannable = "unscannable line";

    /// <summary>How values are written in <paramref name="path"/>.</summary>
    public static SecretFileKind KindOf(string path)
    {
        var name = FileName(path).ToLowerInvariant();
        if (name == ".env" || name.StartsWith(".env.", StringComparison.Ordinal) || name.EndsWith(".env", StringComparison.Ordinal) || name.StartsWith("env.", StringComparison.Ordinal))
        {
            return SecretFileKind.Env;
        }

        var ext = name.LastIndexOf('.') is var dot and >= 0 ? name[dot..] : "";
        return ext switch
        {
            ".yml" or ".yaml" => SecretFileKind.Yaml,
            ".tf" or ".hcl" or ".tfvars" => ext == ".tfvars" ? SecretFileKind.Config : SecretFileKind.Terraform,
            ".md" or ".rst" or ".txt" or ".adoc" => SecretFileKind.Docs,
            ".py" or ".sql" or ".js" or ".ts" or ".java" or ".scala" or ".go" or ".cs" or ".rb" or ".kt" or ".sh" or ".bash" or ".ps1" or ".r" or ".jl" or ".ipynb" or ".jinja" or ".j2" or ".groovy" or ".rs" or ".php" => SecretFileKind.Code,
            _ => SecretFileKind.Config,
        };
    }

    /// <summary>True for files meant to hold example values (<c>.env.example</c>, <c>profiles.yml.sample</c>, templates).</summary>
    public static bool IsExampleFile(string path)
    {
        var name = FileName(path).ToLowerInvariant();
        return name.Contains("example", StringComparison.Ordinal) || name.Contains("sample", StringComparison.Ordinal) || name.Contains("template", StringComparison.Ordinal)
            || name.EndsWith(".dist", StringComparison.Ordinal);
    }

    /// <summary>Every secret in the lines of the file at <paramref name="path"/>.</summary>
    public static IReadOnlyList<SecretHit> Scan(string path, IReadOnlyList<string> lines) =>
        Scan(lines, KindOf(path), IsExampleFile(path), FileName(path).ToLowerInvariant() is "profiles.yml" or "profiles.yaml");

    /// <summary>Every secret in free text (model output), line by line.</summary>
    public static IReadOnlyList<SecretHit> ScanProse(string text) => Scan(text.Split('\n'), SecretFileKind.Prose, example: false, profiles: false);

    public static IReadOnlyList<SecretHit> Scan(IReadOnlyList<string> lines, SecretFileKind kind, bool example, bool profiles)
    {
        var hits = new List<SecretHit>();
        var inKey = false;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (inKey)
            {
                if (PrivateKeyEnd().Match(line) is { Success: true } end)
                {
                    inKey = false;
                    if (end.Index > 0)
                    {
                        Add(hits, new SecretHit(i, 0, end.Index, "private key", "-----BEGIN … PRIVATE KEY-----", SecretCertainty.Secret));
                    }

                    continue;
                }

                if (IsKeyBody(line))
                {
                    if (line.Length > 0)
                    {
                        Add(hits, new SecretHit(i, 0, line.Length, "private key", "-----BEGIN … PRIVATE KEY-----", SecretCertainty.Secret));
                    }

                    continue;
                }

                // An unterminated block ends at the first line that cannot be key material (a closing quote, code).
                inKey = false;
            }

            try
            {
                inKey = ScanLine(i, line, kind, example, profiles, hits);
            }
            catch (RegexMatchTimeoutException)
            {
                // Fail closed: the line is withheld from every model and the file is reported as not fully analysed.
                Add(hits, new SecretHit(i, 0, line.Length, Unscannable, "line not scanned in time", SecretCertainty.Secret));
            }
        }

        if (kind == SecretFileKind.Yaml)
        {
            ScanYaml(lines, example, profiles, hits);
        }

        hits.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Start.CompareTo(b.Start));
        return hits;
    }

    /// <summary>The line with every hit on it replaced by asterisks: safe to store as an anchor.</summary>
    public static string Mask(string line, IEnumerable<SecretHit> hits)
    {
        var chars = line.ToCharArray();
        foreach (var h in hits)
        {
            for (var i = h.Start; i < h.End && i < chars.Length; i++)
            {
                chars[i] = '*';
            }
        }

        return new string(chars);
    }

    /// <summary>Base64 key material, PEM headers (<c>Proc-Type: 4,ENCRYPTED</c>) or a truncation (<c>MIIE...</c>).</summary>
    private static bool IsKeyBody(string line)
    {
        foreach (var c in line)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '.' or ' ' or '\t' or ':' or ',' or '-' or '\r'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Scans one line; returns true when a private key block opens on it and does not close.</summary>
    private static bool ScanLine(int index, string line, SecretFileKind kind, bool example, bool profiles, List<SecretHit> hits)
    {
        var opensKey = false;
        foreach (var (start, length) in Windows(line.Length))
        {
            var window = line.AsSpan(start, length);
            if (window.IndexOfAny(SecretCatalog.Markers) < 0)
            {
                continue;
            }

            foreach (var pattern in SecretCatalog.Patterns)
            {
                if (!HasMarker(window, pattern.Markers))
                {
                    continue;
                }

                for (var m = pattern.Regex.Match(line, start, length); m.Success; m = m.NextMatch())
                {
                    if (pattern.Id == "private-key")
                    {
                        // The body that follows on the same line (a JSON "private_key" with \n escapes), else the marker itself.
                        var after = m.Index + m.Length;
                        var end = PrivateKeyEnd().Match(line, after);
                        var bodyLength = (end.Success ? end.Index : line.Length) - after;
                        Add(hits, bodyLength > 0
                            ? new SecretHit(index, after, bodyLength, "private key", "-----BEGIN … PRIVATE KEY-----", SecretCertainty.Secret)
                            : new SecretHit(index, m.Index, m.Length, "private key", "-----BEGIN … PRIVATE KEY-----", SecretCertainty.Secret));
                        opensKey |= !end.Success;
                        continue;
                    }

                    ProviderHit(index, pattern, m, hits);
                }
            }
        }

        if (line.Contains(';') && line.Length <= 64 * 1024 && ConnectionStringKey().IsMatch(line))
        {
            foreach (Match m in ConnectionStringPassword().Matches(line))
            {
                var secret = m.Groups["secret"];
                var value = secret.Value.Trim('{', '}');
                if (!SecretAllowlist.IsPlaceholder(value))
                {
                    Add(hits, new SecretHit(index, secret.Index, secret.Length, "password in a connection string", $"Pwd={Stars(value)}",
                        example || SecretAllowlist.IsDocumentedExample(value) ? SecretCertainty.Example : SecretCertainty.Secret));
                }
            }
        }

        if (kind == SecretFileKind.Env)
        {
            EnvAssignment(index, line, example, hits);
        }
        else if (kind != SecretFileKind.Yaml || !YamlKeyLine(line))
        {
            Assignments(index, line, kind, example, profiles, hits);
        }

        return opensKey;
    }

    private static void ProviderHit(int index, SecretPattern pattern, Match m, List<SecretHit> hits)
    {
        var secret = m.Groups["secret"].Success ? m.Groups["secret"] : (Group)m;
        var value = secret.Value;
        if (pattern.Id == "credentialed-url")
        {
            if (SecretAllowlist.IsPlaceholder(value) || value.Contains('{', StringComparison.Ordinal) || value.Contains('%', StringComparison.Ordinal) && value.Length < 3)
            {
                return;
            }

            var host = m.Groups["host"].Value;
            var certainty = SecretAllowlist.IsLocalHost(host) || SecretAllowlist.IsDocumentedExample(value) ? SecretCertainty.Example : SecretCertainty.Secret;
            var kind = $"credentialed {m.Groups["scheme"].Value} URL";
            Add(hits, new SecretHit(index, secret.Index, secret.Length, kind, $"{m.Groups["scheme"].Value}://{m.Groups["user"].Value}:{Stars(value)}@{host}", certainty));
            return;
        }

        if (pattern.Id is "url-password-param" or "sql-password" && SecretAllowlist.IsPlaceholder(value))
        {
            return;
        }

        var tail = value.AsSpan(Math.Min(pattern.VisiblePrefix, value.Length));
        if (tail.Length > 0 && (tail.IndexOfAnyExcept(PlaceholderChars) < 0 || tail.IndexOfAnyExcept(tail[0]) < 0))
        {
            // AKIAXXXXXXXXXXXXXXXX, ghp_000...: a placeholder in the provider's shape.
            return;
        }

        var example = SecretAllowlist.IsDocumentedExample(value) ? SecretCertainty.Example : SecretCertainty.Secret;
        Add(hits, new SecretHit(index, secret.Index, secret.Length, pattern.Kind, Hint(value, pattern.VisiblePrefix), example));
    }

    private static void EnvAssignment(int index, string line, bool example, List<SecretHit> hits)
    {
        if (line.Length > 64 * 1024 || EnvLine().Match(line) is not { Success: true } m || !SecretCatalog.IsSecretKey(m.Groups["key"].Value, out var isPassword))
        {
            return;
        }

        var group = m.Groups["value"];
        var quoted = group.Length > 0 && group.Value[0] is '"' or '\'';
        var (start, length) = ValueSpan(line, group.Index, group.Length, unquotedToEnd: true);
        Decide(index, line, start, length, quoted, isPassword, SecretFileKind.Env, example, profiles: false, hits);
    }

    private static void Assignments(int index, string line, SecretFileKind kind, bool example, bool profiles, List<SecretHit> hits)
    {
        foreach (var (wStart, wLength) in Windows(line.Length))
        {
            if (line.AsSpan(wStart, wLength).IndexOfAny(SecretCatalog.KeyWords) < 0)
            {
                continue;
            }

            for (var m = Assignment().Match(line, wStart, wLength); m.Success; m = m.NextMatch())
            {
                if (!SecretCatalog.IsSecretKey(m.Groups["key"].Value, out var isPassword))
                {
                    continue;
                }

                var value = m.Groups["value"];
                var quoted = value.Value[0] is '"' or '\'' or '`';
                var toEnd = !quoted && kind is SecretFileKind.Config or SecretFileKind.Yaml or SecretFileKind.Docs;
                var (start, length) = quoted ? (value.Index + 1, Math.Max(0, value.Length - 2)) : ValueSpan(line, value.Index, value.Length, toEnd);
                Decide(index, line, start, length, quoted, isPassword, kind, example, profiles, hits);
            }
        }
    }

    /// <summary>The value's span: quotes stripped; an unquoted value runs to the end of the line (minus a comment) when asked.</summary>
    private static (int Start, int Length) ValueSpan(string line, int start, int length, bool unquotedToEnd)
    {
        if (length == 0)
        {
            return (start, 0);
        }

        var first = line[start];
        if (first is '"' or '\'')
        {
            var close = line.IndexOf(first, start + 1);
            return close < 0 ? (start + 1, line.Length - start - 1) : (start + 1, close - start - 1);
        }

        if (!unquotedToEnd)
        {
            return (start, length);
        }

        var end = line.Length;
        var comment = line.IndexOf(" #", start, StringComparison.Ordinal);
        if (comment >= 0)
        {
            end = comment;
        }

        var text = line.AsSpan(start, end - start).TrimEnd();
        return (start, text.Length);
    }

    private static void Decide(int index, string line, int start, int length, bool quoted, bool isPassword, SecretFileKind kind, bool example, bool profiles, List<SecretHit> hits)
    {
        if (length <= 0 || hits.Any(h => h.Line == index && h.Start < start + length && start < h.End))
        {
            return;
        }

        var value = line.Substring(start, length);
        if (SecretAllowlist.IsPlaceholder(value) || (!isPassword && SecretAllowlist.IsPublicIdentifier(value)))
        {
            return;
        }

        // In code (and Terraform) an unquoted value is an expression: a variable, a call, var.x. In prose only a
        // long word after a password key is taken for the password itself.
        var expression = kind is SecretFileKind.Code or SecretFileKind.Terraform || (kind == SecretFileKind.Prose && !(isPassword && length >= 8));
        if (!quoted && expression)
        {
            return;
        }

        var entropy = SecretCatalog.Entropy(value);
        var strong = (value.Length >= 12 && entropy >= 3.5) || (value.Length >= 20 && entropy >= 3.0);
        var passwordLiteral = isPassword && (profiles || kind is SecretFileKind.Yaml or SecretFileKind.Env or SecretFileKind.Config ? value.Length >= 3 : value.Length >= 5 && entropy >= 2.0);
        if (!strong && !passwordLiteral)
        {
            return;
        }

        var certainty = example || kind == SecretFileKind.Docs || SecretAllowlist.IsDocumentedExample(value) ? SecretCertainty.Example : SecretCertainty.Secret;
        Add(hits, new SecretHit(index, start, length, isPassword ? "literal password" : "high-entropy secret", Stars(value), certainty));
    }

    /// <summary>
    /// YAML structure: <c>password:</c> with its value on the next (more indented) line, or a block scalar
    /// (<c>password: &gt;-</c> / <c>|</c>) whose lines follow. Same-line values are handled by <see cref="YamlSameLine"/>.
    /// </summary>
    private static void ScanYaml(IReadOnlyList<string> lines, bool example, bool profiles, List<SecretHit> hits)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Length > 64 * 1024 || YamlKey().Match(line) is not { Success: true } m || !SecretCatalog.IsSecretKey(m.Groups["key"].Value, out var isPassword))
            {
                continue;
            }

            var indent = m.Groups["indent"].Length + (line.AsSpan(m.Groups["indent"].Length).StartsWith("- ") ? 2 : 0);
            var rest = m.Groups["rest"].Success ? m.Groups["rest"].Value.Trim() : "";
            var block = rest.Length > 0 && rest[0] is '|' or '>';
            if (rest.Length > 0 && !block && !rest.StartsWith('#'))
            {
                YamlSameLine(i, line, m.Groups["rest"].Index, isPassword, example, profiles, hits);
                continue;
            }

            var body = new List<int>();
            for (var j = i + 1; j < lines.Count; j++)
            {
                var next = lines[j];
                if (next.Trim().Length == 0)
                {
                    if (block)
                    {
                        continue;
                    }

                    break;
                }

                if (Indent(next) <= indent)
                {
                    break;
                }

                body.Add(j);
            }

            if (body.Count == 0)
            {
                continue;
            }

            var first = lines[body[0]].Trim();
            // A nested mapping or a list under the key is structure, not the value.
            if (!block && (first.StartsWith('-') || YamlKey().IsMatch(lines[body[0]]) || first.StartsWith('#')))
            {
                continue;
            }

            var value = string.Join(' ', body.Select(j => lines[j].Trim()));
            var quoted = value.Length > 0 && value[0] is '"' or '\'';
            var inner = value.Trim('"', '\'');
            if (SecretAllowlist.IsPlaceholder(inner) || (!isPassword && SecretAllowlist.IsPublicIdentifier(inner)))
            {
                continue;
            }

            var entropy = SecretCatalog.Entropy(inner);
            var strong = (inner.Length >= 12 && entropy >= 3.5) || (inner.Length >= 20 && entropy >= 3.0);
            if (!strong && !(isPassword && inner.Length >= 3) && !(profiles && isPassword))
            {
                continue;
            }

            _ = quoted;
            var certainty = example || SecretAllowlist.IsDocumentedExample(inner) ? SecretCertainty.Example : SecretCertainty.Secret;
            foreach (var j in body)
            {
                var text = lines[j];
                var start = Indent(text);
                var length = text.TrimEnd().Length - start;
                if (!hits.Any(h => h.Line == j && h.Start < start + length && start < h.End))
                {
                    Add(hits, new SecretHit(j, start, length, isPassword ? "literal password" : "high-entropy secret", Stars(inner), certainty));
                }
            }
        }
    }

    /// <summary>A same-line YAML value: quoted, or plain and possibly multi-word (up to a comment).</summary>
    private static void YamlSameLine(int index, string line, int restIndex, bool isPassword, bool example, bool profiles, List<SecretHit> hits)
    {
        var at = restIndex;
        while (at < line.Length && line[at] is ' ' or '\t')
        {
            at++;
        }

        if (at >= line.Length)
        {
            return;
        }

        var quoted = line[at] is '"' or '\'';
        var (start, length) = ValueSpan(line, at, line.Length - at, unquotedToEnd: true);
        Decide(index, line, start, length, quoted, isPassword, SecretFileKind.Yaml, example, profiles, hits);
    }

    private static bool YamlKeyLine(string line) => line.Length <= 64 * 1024 && YamlKey().Match(line) is { Success: true } m && SecretCatalog.IsSecretKey(m.Groups["key"].Value, out _);

    private static int Indent(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    /// <summary>The windows a line is scanned in: the whole line when short, else overlapping windows.</summary>
    internal static IEnumerable<(int Start, int Length)> Windows(int length)
    {
        if (length <= SecretCatalog.Window)
        {
            yield return (0, length);
            yield break;
        }

        for (var start = 0; start < length; start += SecretCatalog.Window - SecretCatalog.Overlap)
        {
            yield return (start, Math.Min(SecretCatalog.Window, length - start));
            if (start + SecretCatalog.Window >= length)
            {
                yield break;
            }
        }
    }

    private static readonly System.Buffers.SearchValues<char> PlaceholderChars = System.Buffers.SearchValues.Create("Xx0*.");

    private static bool HasMarker(ReadOnlySpan<char> window, IReadOnlyList<string> markers)
    {
        foreach (var marker in markers)
        {
            if (window.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>More hits than this on one line: the whole line is one hit (bounded work on adversarial lines).</summary>
    private const int MaxHitsPerLine = 64;

    private static void Add(List<SecretHit> hits, SecretHit hit)
    {
        // Windows overlap and patterns overlap: keep the first hit on a span. Hits of a line are contiguous at the end.
        var onLine = 0;
        for (var i = hits.Count - 1; i >= 0 && hits[i].Line == hit.Line; i--)
        {
            var h = hits[i];
            if (h.Start < hit.End && hit.Start < h.End)
            {
                return;
            }

            onLine++;
        }

        if (onLine >= MaxHitsPerLine)
        {
            var first = hits.Count - onLine;
            hits.RemoveRange(first, onLine);
            hits.Add(new SecretHit(hit.Line, 0, int.MaxValue / 2, "many secrets", "line withheld", hit.Certainty));
            return;
        }

        hits.Add(hit);
    }

    private static string Hint(string value, int visible) =>
        visible > 0 && value.Length > visible ? $"{value[..visible]}{Stars(value[visible..])}" : Stars(value);

    internal static string Stars(string value) => $"{new string('*', Math.Min(8, Math.Max(4, value.Length)))} ({value.Length} chars)";

    private static string FileName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }
}
