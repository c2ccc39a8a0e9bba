using ReviewBot.Agents.Secrets;

namespace ReviewBot.Agents.Governance;

/// <summary>
/// Detection over the shared <see cref="SecretCatalog"/>: what the <c>secret-in-code</c> rule reports and what every
/// LLM slice withholds. A file is read as a document (YAML next-line values and block scalars, <c>.env</c> values
/// with spaces, private key blocks over many lines); lines of any length are scanned in bounded windows.
/// </summary>
internal static class SecretScanner
{
    /// <summary>The secrets in the head lines of <paramref name="path"/>, by 0-based line index.</summary>
    public static IReadOnlyList<SecretHit> Scan(string path, IReadOnlyList<string> lines) => SecretDetector.Scan(path, lines);

    /// <summary>The line with every hit replaced by asterisks: safe to store as an anchor.</summary>
    public static string Redact(string line, IEnumerable<SecretHit> hits) => SecretDetector.Mask(line, hits);

    /// <summary>
    /// Model output scrubbed before it reaches any output: every secret the detection finds in it, and every
    /// <paramref name="known"/> secret value (what the rules found in the change), becomes its masked form.
    /// </summary>
    public static string Scrub(string text, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = text;
        foreach (var value in known.Where(v => v.Length >= 4).OrderByDescending(v => v.Length))
        {
            result = result.Replace(value, SecretDetector.Stars(value), StringComparison.Ordinal);
        }

        var lines = result.Split('\n');
        var hits = SecretDetector.ScanProse(result);
        if (hits.Count == 0)
        {
            return result;
        }

        foreach (var group in hits.GroupBy(h => h.Line))
        {
            var line = lines[group.Key];
            foreach (var hit in group.OrderByDescending(h => h.Start))
            {
                var end = Math.Min(line.Length, hit.End);
                line = string.Concat(line.AsSpan(0, hit.Start), hit.Hint, line.AsSpan(end));
            }

            lines[group.Key] = line;
        }

        return string.Join('\n', lines);
    }

    /// <summary>The secret values the detection finds in <paramref name="lines"/> (for scrubbing model output).</summary>
    public static IEnumerable<string> Values(IReadOnlyList<string> lines, IReadOnlyList<SecretHit> hits) =>
        hits.Where(h => h.Line < lines.Count).Select(h => lines[h.Line].Substring(h.Start, Math.Min(h.Length, lines[h.Line].Length - h.Start)).Trim().Trim('"', '\'', '`').Trim());
}
