using ReviewBot.Agents.Governance;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.LlmPass;

/// <summary>
/// Scrubs every model-produced string of a finding (title, message, and the anchor the fingerprint is taken from)
/// before it reaches any output — comment, check run, job summary, JSON, SARIF. A model that quotes a line it saw
/// (or invents one) cannot publish a secret: whatever the secret detection finds in the text, and every secret value
/// the detection found in the agent's slice, is replaced by its masked form.
/// </summary>
internal static class ModelOutputScrubber
{
    public static IReadOnlyList<Finding> Scrub(IReadOnlyList<Finding> findings, IReadOnlyList<FileChange> slice)
    {
        if (findings.Count == 0)
        {
            return findings;
        }

        var known = KnownSecrets(slice);
        return findings.Select(f => f with
        {
            Title = SecretScanner.Scrub(f.Title, known),
            Message = SecretScanner.Scrub(f.Message, known),
            Anchor = f.Anchor is null ? null : SecretScanner.Scrub(f.Anchor, known),
        }).ToList();
    }

    /// <summary>The secret values the detection finds on either side of the slice's hunks.</summary>
    internal static IReadOnlyCollection<string> KnownSecrets(IReadOnlyList<FileChange> slice)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in slice.Where(f => !f.IsBinary))
        {
            var all = file.Hunks.SelectMany(h => h.Lines).ToList();
            foreach (var side in new[] { DiffLineKind.Removed, DiffLineKind.Added })
            {
                var lines = all.Where(l => l.Kind != side).Select(l => l.Text).ToList();
                values.UnionWith(SecretScanner.Values(lines, SecretScanner.Scan(file.Path, lines)).Where(v => v.Length >= 4));
            }
        }

        return values;
    }
}
