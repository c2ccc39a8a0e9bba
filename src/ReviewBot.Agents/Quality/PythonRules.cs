using System.Text.RegularExpressions;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Quality;

/// <summary>Python pipeline smells (Dagster, Airflow, scripts) that cause silent failures or injection.</summary>
internal static partial class PythonRules
{
    [GeneratedRegex("""^\s*except\s*(?:(?:Exception|BaseException)\s*(?:as\s+\w+\s*)?)?:\s*(?:pass\s*)?(?:#.*)?$""", RegexOptions.CultureInvariant)]
    private static partial Regex BroadExcept();

    public sealed class SqlBuiltFromStrings : Rule
    {
        public override string Id => "python-sql-from-strings";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "SQL assembled with f-strings, format(), % or + and run by the database is open to injection and breaks on quotes in data.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".py"))
            {
                var lines = context.Files.HeadLines(file.Path);
                foreach (var sink in PythonSqlFlow.Find(lines))
                {
                    // Report when the change touches either end of the flow: the call that runs it, or the line that builds it.
                    var line = context.IsAdded(file.Path, sink.Line) ? sink.Line : sink.BuiltLine is { } b && context.IsAdded(file.Path, b) ? b : (int?)null;
                    if (line is null)
                    {
                        continue;
                    }

                    var where = sink.BuiltLine is { } built && built != sink.Line ? $" on line {built} and run by `{sink.Sink}(...)` on line {sink.Line}" : $" and passed to `{sink.Sink}(...)`";
                    yield return context.Report(this, file.Path, line, "SQL built from a formatted string",
                        $"This query is assembled with {sink.How}{where}. Values with quotes break it and untrusted values can inject SQL. Pass values as bind parameters (`execute(sql, params)`, `text(\"... :id\")` with a dict, `parameters=` on Airflow operators); for identifiers, check them against an allow-list or quote them with the driver's identifier quoting.",
                        exactLine: true);
                }
            }
        }
    }

    public sealed class SwallowedException : Rule
    {
        public override string Id => "python-swallowed-exception";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "A bare or catch-all except that does nothing makes a failed pipeline step report success.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".py"))
            {
                var lines = context.Files.HeadLines(file.Path);
                foreach (var line in file.AddedLines)
                {
                    var match = BroadExcept().Match(line.Text);
                    if (!match.Success)
                    {
                        continue;
                    }

                    var bare = !line.Text.Contains("Exception", StringComparison.Ordinal);
                    var next = NextCodeLine(lines, line.HeadLine!.Value);
                    var swallows = line.Text.Contains("pass", StringComparison.Ordinal) || next is "pass" or "continue" or "return" or "return None" or "...";
                    if (!bare && !swallows)
                    {
                        continue;
                    }

                    yield return context.Report(this, file.Path, line.HeadLine, bare ? "Bare `except:`" : "Exception swallowed",
                        bare
                            ? "`except:` also catches KeyboardInterrupt and SystemExit, and hides the real error. Catch the specific exceptions you expect, and log or re-raise the rest so the orchestrator marks the run as failed."
                            : "This handler catches every exception and does nothing, so a failed load or query looks like success to Dagster/Airflow and to alerting. Catch the specific error you expect, or log and re-raise.",
                        exactLine: true);
                }
            }
        }

        private static string? NextCodeLine(string[] lines, int line)
        {
            for (var i = line; i < lines.Length; i++)
            {
                var trimmed = lines[i].Trim();
                if (trimmed.Length > 0 && !trimmed.StartsWith('#'))
                {
                    return trimmed;
                }
            }

            return null;
        }
    }
}
