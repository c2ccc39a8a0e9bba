using ReviewBot.Agents.Rules;
using ReviewBot.Agents.Secrets;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary>
/// <c>secret-in-code</c>: a secret on an added line, found by the shared catalogue on the file read as a document.
/// Documented example keys and credentials for a local test database are reported at info, not critical.
/// </summary>
internal sealed class SecretInCode : Rule
{
    public override string Id => "secret-in-code";

    public override Severity DefaultSeverity => Severity.Critical;

    public override string Rationale => "A secret committed to git is exposed to everyone with read access, forever (history keeps it).";

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var file in context.Changed)
        {
            var (lines, lineNumber) = HeadView(context, file);
            var hits = SecretScanner.Scan(file.Path, lines);
            if (hits.Count == 0)
            {
                continue;
            }

            var name = SharedContext.FileName(file.Path).ToLowerInvariant();
            var profiles = name is "profiles.yml" or "profiles.yaml";
            var inReportedKey = false;
            var lastLine = -2;
            foreach (var group in hits.GroupBy(h => h.Line))
            {
                // A private key block is one finding, on its first added line, not one per line of key material.
                var keyOnly = group.All(h => h.Kind == "private key");
                if (!keyOnly || group.Key != lastLine + 1)
                {
                    inReportedKey = false;
                }

                lastLine = group.Key;
                var head = lineNumber(group.Key);
                if (!context.IsAdded(file.Path, head) || (keyOnly && inReportedKey))
                {
                    continue;
                }

                inReportedKey = group.Any(h => h.Kind == "private key");
                if (group.Any(h => h.Kind == SecretDetector.Unscannable))
                {
                    // Not "no secret": the line was not read, so the file is not analysed (the gate sees it).
                    context.CouldNotAnalyse(file.Path, $"line {head} could not be scanned for secrets within the time limit");
                    continue;
                }

                var secrets = group.Where(h => h.Certainty == SecretCertainty.Secret).ToList();
                var shown = secrets.Count > 0 ? secrets : group.ToList();
                var kinds = string.Join(", ", shown.Select(m => $"{m.Kind} `{m.Hint}`").Distinct());
                var anchor = SecretScanner.Redact(lines[group.Key], group).Trim();
                if (secrets.Count == 0)
                {
                    yield return context.Report(this, file.Path, head, "Example or local test credential",
                        $"This line adds a {kinds}: a documented example key or a credential for a local test database, so it is reported for information only. Make sure the same value is not used by a real environment.",
                        Severity.Info, anchor: anchor, exactLine: true);
                    continue;
                }

                var where = profiles
                    ? "use `{{ env_var('DBT_PASSWORD') }}` in profiles.yml"
                    : "read it from the environment or a secret manager instead";
                yield return context.Report(this, file.Path, head, "Secret committed in code",
                    $"This line adds a {kinds}. Anyone who can read the repository (and its history) can use it. Revoke and rotate the credential now, remove it from the change, and {where}.",
                    anchor: anchor, exactLine: true);
            }
        }
    }

    /// <summary>The head text of the file (whole, so YAML structure is seen), else the head side of its hunks.</summary>
    private static (IReadOnlyList<string> Lines, Func<int, int> LineNumber) HeadView(RuleContext context, FileChange file)
    {
        var whole = context.Files.HeadLines(file.Path);
        if (whole.Length > 0)
        {
            return (whole, i => i + 1);
        }

        var view = file.Hunks.SelectMany(h => h.Lines).Where(l => l.Kind != DiffLineKind.Removed && l.HeadLine is not null).ToList();
        return (view.Select(l => l.Text).ToList(), i => view[i].HeadLine!.Value);
    }
}
