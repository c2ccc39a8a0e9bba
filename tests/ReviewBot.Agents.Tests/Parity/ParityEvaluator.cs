using System.Diagnostics;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests.Parity;

/// <summary>Recall and false alarms of one category of the parity corpus.</summary>
internal sealed record ParityScore(string Category, int Positives, int Found, int Negatives, int FalseAlarms, IReadOnlyList<string> Missed, IReadOnlyList<string> Alarms)
{
    public double Recall => Positives == 0 ? 1 : (double)Found / Positives;

    public double FalseAlarmRate => Negatives == 0 ? 0 : (double)FalseAlarms / Negatives;
}

/// <summary>
/// Runs every built-in agent (rules only, as the engine would) over the whole corpus as one change — each case is
/// a new file under its own folder — and scores each category by the findings on its files: secrets by
/// <c>secret-in-code</c> at high or above (an info finding on a documented example is not an alarm), migrations by
/// the migration and destructive-DDL rules, Python by <c>python-sql-from-strings</c>.
/// </summary>
internal static class ParityEvaluator
{
    private static readonly HashSet<string> MigrationRules = new(StringComparer.Ordinal)
    {
        "destructive-ddl", "grant-to-public", "create-or-replace-existing",
    };

    public static async Task<(IReadOnlyList<ParityScore> Scores, TimeSpan Elapsed)> RunAsync(IReadOnlyList<ParityCase> cases, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var paths = cases.Select((c, i) => $"c{i:D3}/{c.Path}").ToList();
        var after = paths.Zip(cases).ToDictionary(p => p.First, p => p.Second.Text, StringComparer.Ordinal);
        var change = ChangeSets.FromFiles(new Dictionary<string, string>(), after);
        var config = ReviewConfig.Default;
        var resources = new ResourceStore();
        await SharedContext.BuildAsync(change, resources, cancellationToken);
        var agents = AgentCatalog.Create(config);
        var outputs = await Task.WhenAll(agents.Select(a => a.RunAsync(
            new AgentContext { Change = change, Resources = resources, Settings = config.AgentSettings(a.Descriptor.Name), Config = config },
            cancellationToken)));
        clock.Stop();
        var byFile = outputs.SelectMany(o => o.Findings).ToLookup(f => f.File, StringComparer.Ordinal);

        var scores = new List<ParityScore>();
        foreach (var category in cases.Select((c, i) => (Case: c, Path: paths[i])).GroupBy(x => x.Case.Category))
        {
            int positives = 0, found = 0, negatives = 0, alarms = 0;
            var missed = new List<string>();
            var alarmed = new List<string>();
            foreach (var (c, path) in category)
            {
                var hit = byFile[path].Any(f => Counts(c, f));
                if (c.Positive)
                {
                    positives++;
                    if (hit)
                    {
                        found++;
                    }
                    else
                    {
                        missed.Add(c.Name);
                    }
                }
                else
                {
                    negatives++;
                    if (hit)
                    {
                        alarms++;
                        alarmed.Add($"{c.Name}: {string.Join("; ", byFile[path].Where(f => Counts(c, f)).Select(f => $"{f.Rule} {f.Severity} {f.Title}"))}");
                    }
                }
            }

            scores.Add(new ParityScore(category.Key, positives, found, negatives, alarms, missed, alarmed));
        }

        return (scores, clock.Elapsed);
    }

    /// <summary>Whether a finding counts for the case's category (a detection on a positive, an alarm on a negative).</summary>
    private static bool Counts(ParityCase c, Finding f) => c.Category switch
    {
        "secrets" => f.Rule == "secret-in-code" && (c.Positive ? f.Severity >= Severity.High : f.Severity >= Severity.Low),
        "migrations" => (MigrationRules.Contains(f.Rule) || f.Rule.StartsWith("migration-", StringComparison.Ordinal)) && f.Severity >= (c.Positive ? Severity.Medium : Severity.Low),
        "python" => f.Rule == "python-sql-from-strings",
        _ => false,
    };
}
