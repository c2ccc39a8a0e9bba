using System.Globalization;
using System.Text.RegularExpressions;

namespace ReviewBot.Agents.Context.Pipeline;

/// <summary>A schedule found in pipeline code: Dagster, Airflow, cron in YAML.</summary>
public sealed record PipelineSchedule(string Name, string Expression, double? RunsPerDay, int Line, string Origin);

/// <summary>An environment variable read by code, with or without a default.</summary>
public sealed record EnvVarRead(string Name, bool HasDefault, int Line, string Syntax);

/// <summary>Schedules and env vars of one file.</summary>
public sealed record PipelineFileFacts(IReadOnlyList<PipelineSchedule> Schedules, IReadOnlyList<EnvVarRead> EnvVars)
{
    public static PipelineFileFacts Empty { get; } = new([], []);
}

/// <summary>
/// Reads schedules (Dagster <c>ScheduleDefinition</c>/<c>@schedule</c>, Airflow <c>schedule</c>/<c>schedule_interval</c>,
/// presets, <c>timedelta</c>, cron in YAML) and env var reads (<c>os.environ[...]</c>, <c>os.getenv</c>,
/// <c>os.environ.get</c>, Dagster <c>EnvVar</c>, dbt <c>env_var()</c>) from Python, SQL and YAML.
/// </summary>
public static partial class PipelineScanner
{
    [GeneratedRegex("""os\.environ\s*\[\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)")\s*\]""")]
    private static partial Regex EnvironIndex();

    [GeneratedRegex("""(?:os\.environ\.get|os\.getenv|getenv)\s*\(\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)")\s*(,)?""")]
    private static partial Regex EnvironGet();

    [GeneratedRegex("""\bEnvVar(?:\.int)?\s*\(\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)")\s*\)""")]
    private static partial Regex DagsterEnvVar();

    [GeneratedRegex("""\benv_var\s*\(\s*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)")\s*(,)?""")]
    private static partial Regex DbtEnvVar();

    [GeneratedRegex("""\b(cron_schedule|schedule_interval|schedule|cron)\s*[=:]\s*(?:(['"])(.*?)\2|(timedelta\s*\([^)]*\))|(None)\b)""")]
    private static partial Regex ScheduleArg();

    [GeneratedRegex("""(\w+)\s*=\s*(?:dg\.)?ScheduleDefinition\s*\(|(?:dag_id|name)\s*=\s*['"]([^'"]+)['"]|\bDAG\s*\(\s*['"]([^'"]+)['"]|def\s+(\w+)\s*\(""")]
    private static partial Regex NameHint();

    public static PipelineFileFacts Scan(string path, string text)
    {
        var isPython = path.EndsWith(".py", StringComparison.OrdinalIgnoreCase);
        var isYaml = path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);
        var isSql = path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase);
        if (!isPython && !isYaml && !isSql)
        {
            return PipelineFileFacts.Empty;
        }

        var env = new List<EnvVarRead>();
        var schedules = new List<PipelineSchedule>();
        var lines = text.Split('\n');
        string? lastName = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith('#') && (isPython || isYaml))
            {
                continue;
            }

            if (isPython)
            {
                foreach (Match m in EnvironIndex().Matches(line))
                {
                    env.Add(new EnvVarRead(Group(m, 1, 2), false, i + 1, "os.environ[]"));
                }

                foreach (Match m in EnvironGet().Matches(line))
                {
                    env.Add(new EnvVarRead(Group(m, 1, 2), m.Groups[3].Success && !NoneDefault(line, m), i + 1, m.Value.StartsWith("os.environ", StringComparison.Ordinal) ? "os.environ.get" : "os.getenv"));
                }

                foreach (Match m in DagsterEnvVar().Matches(line))
                {
                    env.Add(new EnvVarRead(Group(m, 1, 2), false, i + 1, "EnvVar"));
                }

                foreach (Match m in NameHint().Matches(line))
                {
                    lastName = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value;
                }
            }

            foreach (Match m in DbtEnvVar().Matches(line))
            {
                env.Add(new EnvVarRead(Group(m, 1, 2), m.Groups[3].Success, i + 1, "env_var"));
            }

            if (isYaml && trimmed.StartsWith("name:", StringComparison.Ordinal))
            {
                lastName = trimmed[5..].Trim().Trim('\'', '"');
            }

            if (isSql)
            {
                continue;
            }

            foreach (Match m in ScheduleArg().Matches(line))
            {
                var key = m.Groups[1].Value;
                if (isPython && key == "cron")
                {
                    continue;
                }

                string expression;
                double? perDay;
                if (m.Groups[3].Success)
                {
                    expression = m.Groups[3].Value;
                    perDay = RunsPerDay(expression);
                }
                else if (m.Groups[4].Success)
                {
                    expression = m.Groups[4].Value;
                    perDay = TimedeltaRunsPerDay(expression);
                }
                else
                {
                    expression = "None";
                    perDay = 0;
                }

                if (perDay is null && m.Groups[3].Success && !LooksLikeSchedule(expression))
                {
                    continue;
                }

                var name = NameAround(lines, i, isPython) ?? lastName ?? $"{key}@{i + 1}";
                schedules.Add(new PipelineSchedule(name, expression, perDay, i + 1, key));
            }
        }

        return new PipelineFileFacts(schedules, env);
    }

    /// <summary>Runs per day of a cron expression or preset; null when it cannot be read.</summary>
    public static double? RunsPerDay(string expression)
    {
        var e = expression.Trim();
        switch (e.ToLowerInvariant())
        {
            case "@yearly" or "@annually": return 1.0 / 365;
            case "@monthly": return 12.0 / 365;
            case "@weekly": return 1.0 / 7;
            case "@daily" or "@midnight": return 1;
            case "@hourly": return 24;
            case "@once" or "none" or "": return 0;
            case "@continuous": return 1440;
        }

        var fields = e.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 6)
        {
            // Quartz-style with seconds: use the five fields after the seconds.
            fields = fields[1..];
        }

        if (fields.Length != 5)
        {
            return null;
        }

        var minutes = Count(fields[0], 0, 59);
        var hours = Count(fields[1], 0, 23);
        var days = Count(fields[2], 1, 31);
        var months = Count(fields[3], 1, 12, months: true);
        var weekdays = Count(fields[4], 0, 6, weekdays: true);
        if (minutes is null || hours is null || days is null || months is null || weekdays is null)
        {
            return null;
        }

        var domRestricted = fields[2] is not ("*" or "?");
        var dowRestricted = fields[4] is not ("*" or "?");
        double dayFraction = (domRestricted, dowRestricted) switch
        {
            (false, false) => 1,
            (true, false) => days.Value / 30.44,
            (false, true) => weekdays.Value / 7.0,
            _ => Math.Min(1, days.Value / 30.44 + weekdays.Value / 7.0),
        };
        return minutes.Value * hours.Value * dayFraction * (months.Value / 12.0);
    }

    private static double? TimedeltaRunsPerDay(string expression)
    {
        var m = Regex.Match(expression, @"(days|hours|minutes|seconds|weeks)\s*=\s*(\d+(?:\.\d+)?)", RegexOptions.None, TimeSpan.FromSeconds(1));
        if (!m.Success)
        {
            return null;
        }

        var amount = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        var minutes = m.Groups[1].Value switch
        {
            "weeks" => amount * 10_080,
            "days" => amount * 1_440,
            "hours" => amount * 60,
            "minutes" => amount,
            _ => amount / 60,
        };
        return minutes <= 0 ? null : 1_440 / minutes;
    }

    private static int? Count(string field, int min, int max, bool months = false, bool weekdays = false)
    {
        var values = new HashSet<int>();
        foreach (var part in field.Split(','))
        {
            var stepAt = part.IndexOf('/');
            var range = stepAt < 0 ? part : part[..stepAt];
            var step = 1;
            if (stepAt >= 0 && !int.TryParse(part[(stepAt + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step))
            {
                return null;
            }

            int lo, hi;
            if (range is "*" or "?")
            {
                (lo, hi) = (min, max);
            }
            else if (range.Contains('-', StringComparison.Ordinal))
            {
                var bits = range.Split('-');
                if (bits.Length != 2 || Value(bits[0], months, weekdays) is not { } a || Value(bits[1], months, weekdays) is not { } b)
                {
                    return null;
                }

                (lo, hi) = (a, b);
            }
            else if (Value(range, months, weekdays) is { } v)
            {
                (lo, hi) = (v, stepAt >= 0 ? max : v);
            }
            else
            {
                return null;
            }

            if (step <= 0)
            {
                return null;
            }

            for (var x = lo; x <= hi; x += step)
            {
                values.Add(weekdays && x == 7 ? 0 : x);
            }
        }

        return values.Count;
    }

    private static int? Value(string text, bool months, bool weekdays)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        var names = months ? new[] { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" }
            : weekdays ? new[] { "sun", "mon", "tue", "wed", "thu", "fri", "sat" } : [];
        var index = Array.IndexOf(names, text.ToLowerInvariant());
        return index < 0 ? null : months ? index + 1 : index;
    }

    private static bool LooksLikeSchedule(string expression) =>
        expression.StartsWith('@') || expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is 5 or 6;

    private static bool NoneDefault(string line, Match m)
    {
        var rest = line[(m.Index + m.Length)..].TrimStart();
        return rest.StartsWith("None", StringComparison.Ordinal);
    }

    private static string? NameAround(string[] lines, int index, bool python)
    {
        if (!python)
        {
            return null;
        }

        // A decorator (@schedule(...)) names the function that follows it.
        if (lines[index].TrimStart().StartsWith('@'))
        {
            for (var j = index + 1; j < Math.Min(lines.Length, index + 4); j++)
            {
                var m = Regex.Match(lines[j], @"def\s+(\w+)\s*\(", RegexOptions.None, TimeSpan.FromSeconds(1));
                if (m.Success)
                {
                    return m.Groups[1].Value;
                }
            }
        }

        for (var j = index; j >= Math.Max(0, index - 8); j--)
        {
            var m = NameHint().Match(lines[j]);
            if (m.Success)
            {
                return m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value;
            }
        }

        for (var j = index + 1; j < Math.Min(lines.Length, index + 4); j++)
        {
            var m = Regex.Match(lines[j], @"def\s+(\w+)\s*\(", RegexOptions.None, TimeSpan.FromSeconds(1));
            if (m.Success)
            {
                return m.Groups[1].Value;
            }
        }

        return null;
    }

    private static string Group(Match m, int a, int b) => m.Groups[a].Success ? m.Groups[a].Value : m.Groups[b].Value;
}
