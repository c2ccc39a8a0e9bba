using System.Globalization;
using ReviewBot.Sql.Lexing;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// What an incremental branch filters on, read from the rendered SQL's tokens (strings and comments are the lexer's,
/// so a window named in a comment does not count): whether it filters at all, and the widest lookback window
/// (<c>interval '3 days'</c>, <c>interval 12 hour</c>, <c>dateadd(day, -3, ...)</c>) in hours.
/// </summary>
internal static class IncrementalWindow
{
    private static readonly HashSet<string> DateAdd = new(StringComparer.OrdinalIgnoreCase)
    {
        "dateadd", "date_add", "timestampadd", "timestamp_add", "datetime_add", "date_sub", "timestamp_sub", "datetime_sub", "timestampdiff",
    };

    /// <summary>True when the SQL holds a condition (<c>where</c>, <c>and</c>, <c>filter</c>), not only a comment or a no-op.</summary>
    public static bool SqlFilters(string sql) =>
        SqlLexer.Tokenize(sql).Any(t => t.IsWord("where") || t.IsWord("and") || t.IsWord("filter") || t.IsWord("qualify") || t.IsWord("having"));

    /// <summary>The widest window in the SQL, in hours; null when none.</summary>
    public static double? SqlLookbackHours(string sql)
    {
        var tokens = SqlLexer.Tokenize(sql);
        double? widest = null;
        void Take(double amount, string unit)
        {
            if (Hours(unit) is { } perUnit)
            {
                var hours = Math.Abs(amount) * perUnit;
                widest = widest is null ? hours : Math.Max(widest.Value, hours);
            }
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.IsWord("interval") && i + 1 < tokens.Count)
            {
                var next = tokens[i + 1];
                if (next.Kind == SqlTokenKind.String)
                {
                    // '3 days', '3 day', or '3' followed by the unit as a word.
                    var inner = next.Value.Trim('\'', '"').Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (inner.Length >= 1 && double.TryParse(inner[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                    {
                        var unit = inner.Length >= 2 ? inner[1] : i + 2 < tokens.Count && tokens[i + 2].Kind == SqlTokenKind.Word ? tokens[i + 2].Value : string.Empty;
                        Take(amount, unit);
                    }
                }
                else if (next.Kind == SqlTokenKind.Number && i + 2 < tokens.Count && tokens[i + 2].Kind == SqlTokenKind.Word
                    && double.TryParse(next.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                {
                    Take(amount, tokens[i + 2].Value);
                }
            }
            else if (token.Kind == SqlTokenKind.Word && DateAdd.Contains(token.Value) && i + 5 < tokens.Count && tokens[i + 1].IsSymbol("("))
            {
                // dateadd(unit, [-]amount, ...): the unit as a word or a string.
                var unitToken = tokens[i + 2];
                var unit = unitToken.Kind == SqlTokenKind.String ? unitToken.Value.Trim('\'', '"') : unitToken.Value;
                var j = i + 3;
                if (!tokens[j].IsSymbol(","))
                {
                    continue;
                }

                j++;
                if (tokens[j].IsSymbol("-"))
                {
                    j++;
                }

                if (j < tokens.Count && tokens[j].Kind == SqlTokenKind.Number && double.TryParse(tokens[j].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                {
                    Take(amount, unit);
                }
            }
        }

        return widest;
    }

    /// <summary>Hours in one <paramref name="unit"/> (minute, hour, day, week, month; plural or not); null for other words.</summary>
    public static double? Hours(string unit) => unit.ToLowerInvariant().TrimEnd('s') switch
    {
        "minute" => 1.0 / 60,
        "hour" => 1,
        "day" => 24,
        "week" => 168,
        "month" => 730,
        _ => null,
    };
}
