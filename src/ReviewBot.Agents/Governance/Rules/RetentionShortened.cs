using System.Globalization;
using System.Text.RegularExpressions;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary>
/// <c>retention-shortened</c>: a model or table setting added or lowered by the change that makes the warehouse
/// delete data on its own schedule — BigQuery <c>partition_expiration_days</c> / <c>hours_to_expiration</c>, Delta
/// <c>delta.deletedFileRetentionDuration</c> / <c>delta.logRetentionDuration</c>, Snowflake
/// <c>data_retention_time_in_days</c> (time travel). Read on added lines of SQL config blocks, properties YAML,
/// <c>dbt_project.yml</c> and Terraform, and compared with the same key's value at base (migrations are
/// <c>migration-storage-change</c>'s).
/// </summary>
internal sealed partial class RetentionShortened : Rule
{
    private static readonly string[] Extensions = [".sql", ".yml", ".yaml", ".tf", ".py"];

    public override string Id => "retention-shortened";

    public override Severity DefaultSeverity => Severity.Medium;

    public override string Rationale => "An expiration or retention setting makes the warehouse delete partitions, tables or history on its own, long after the PR merged; reverting the PR does not bring the data back.";

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var file in context.ChangedWith(Extensions))
        {
            if (SharedContext.IsMigration(file.Path))
            {
                // Migrations are read statement by statement by migration-storage-change.
                continue;
            }

            Dictionary<string, double>? before = null;
            foreach (var line in file.AddedLines)
            {
                foreach (Match m in Setting().Matches(line.Text))
                {
                    var key = m.Groups["key"].Value.ToLowerInvariant();
                    var value = Hours(key, m.Groups["value"].Value, m.Groups["unit"].Value);
                    if (value is null)
                    {
                        continue;
                    }

                    before ??= BaseValues(context.Files.Base(file.BasePath));
                    var old = before.GetValueOrDefault(key, double.NaN);
                    if (!double.IsNaN(old) && old <= value)
                    {
                        continue;
                    }

                    var written = m.Value.Trim();
                    var was = double.IsNaN(old) ? "" : $" (it was {Describe(old)})";
                    yield return context.Report(this, file.Path, line.HeadLine,
                        $"`{key}` {(double.IsNaN(old) ? "set" : "lowered")} to {Describe(value.Value)}",
                        $"`{written}`{was}: {Effect(key, value.Value)} Reverting this PR later does not bring deleted data back. If the history is needed elsewhere, say where in the PR; otherwise confirm the window with the data's owners.",
                        anchor: key);
                }
            }
        }
    }

    private static Dictionary<string, double> BaseValues(string? text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (text is null)
        {
            return values;
        }

        foreach (Match m in Setting().Matches(text))
        {
            var key = m.Groups["key"].Value.ToLowerInvariant();
            if (Hours(key, m.Groups["value"].Value, m.Groups["unit"].Value) is { } hours)
            {
                // The longest window at base: the change shortens retention only if it goes below every earlier value.
                values[key] = Math.Max(values.GetValueOrDefault(key), hours);
            }
        }

        return values;
    }

    /// <summary>The retention in hours; null when the value is not a plain number (a var, an expression).</summary>
    private static double? Hours(string key, string value, string unit)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return key switch
        {
            "hours_to_expiration" => n,
            "delta.deletedfileretentionduration" or "delta.logretentionduration" => unit.ToLowerInvariant() switch
            {
                "hour" or "hours" => n,
                "week" or "weeks" => n * 24 * 7,
                _ => n * 24,
            },
            _ => n * 24,
        };
    }

    private static string Describe(double hours) =>
        hours % 24 == 0 ? $"{hours / 24:0.#} day{(hours == 24 ? "" : "s")}" : $"{hours:0.#} hour{(hours == 1 ? "" : "s")}";

    private static string Effect(string key, double hours) => key switch
    {
        "partition_expiration_days" => $"BigQuery deletes every partition older than {Describe(hours)}.",
        "hours_to_expiration" => $"BigQuery deletes the whole table {Describe(hours)} after it is built.",
        "data_retention_time_in_days" => hours == 0
            ? "Snowflake keeps no Time Travel history: a bad run or a mistaken delete cannot be undone with UNDROP or AT(...)."
            : $"Snowflake keeps Time Travel history for only {Describe(hours)}: older states cannot be restored.",
        _ => $"Delta VACUUM may delete files and history older than {Describe(hours)}: time travel and restores before that fail.",
    };

    // key [=:] value, with optional quotes and, for Delta, an "interval N days" value.
    [GeneratedRegex("""(?<key>\bpartition_expiration_days|\bhours_to_expiration|\bdata_retention_time_in_days|delta\.deletedFileRetentionDuration|delta\.logRetentionDuration)['"]?\s*[=:]\s*['"]?(?:interval\s+)?(?<value>\d+(?:\.\d+)?)\s*(?<unit>hours?|days?|weeks?)?""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Setting();
}
