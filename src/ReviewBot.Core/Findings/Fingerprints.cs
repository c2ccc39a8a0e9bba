using System.Security.Cryptography;
using System.Text;

namespace ReviewBot.Core.Findings;

/// <summary>
/// Stable fingerprints: a hash of rule, file and the anchored text (not the line number, which shifts
/// when lines are added above), plus an occurrence index for identical anchors in one file.
/// </summary>
public static class Fingerprints
{
    public static string Compute(string rule, string file, string? anchor, int occurrence = 0)
    {
        var input = $"{rule}\n{file}\n{Normalize(anchor)}\n{occurrence}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(input));
        return Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }

    /// <summary>Fills in missing fingerprints, numbering identical anchors within a file so each stays distinct.</summary>
    public static IReadOnlyList<Finding> Assign(IEnumerable<Finding> findings)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<Finding>();
        foreach (var finding in findings)
        {
            if (finding.Fingerprint.Length > 0)
            {
                result.Add(finding);
                continue;
            }

            var anchor = finding.Anchor ?? finding.Title;

            // Numbered by the normalised anchor: anchors that differ only in case or spacing hash alike.
            var key = $"{finding.Rule}\n{finding.File}\n{Normalize(anchor)}";
            seen.TryGetValue(key, out var occurrence);
            seen[key] = occurrence + 1;
            result.Add(finding with { Fingerprint = Compute(finding.Rule, finding.File, anchor, occurrence) });
        }

        return result;
    }

    private static string Normalize(string? anchor) =>
        string.Join(' ', (anchor ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
