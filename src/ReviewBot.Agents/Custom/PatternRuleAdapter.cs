using System.Text.RegularExpressions;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Custom;

/// <summary>
/// A custom agent's regex rule from the config: matched against every added line of the changed files
/// (the agent's <c>paths</c> filter applies), one finding per matching line.
/// </summary>
internal sealed class PatternRuleAdapter(PatternRule pattern) : Rule
{
    public override string Id => pattern.Id;

    public override Severity DefaultSeverity => pattern.Severity;

    public override string Rationale => pattern.Message;

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var file in context.Changed)
        {
            foreach (var line in file.AddedLines)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                bool matched;
                try
                {
                    matched = pattern.Regex.IsMatch(line.Text);
                }
                catch (RegexMatchTimeoutException)
                {
                    // A timeout is not a "no match": the file is not analysed (which a required agent cannot pass), and the
                    // rest of the file is not tried either, so one hostile file cannot spend the budget line by line.
                    context.CouldNotAnalyse(file.Path, $"pattern '{pattern.Id}' timed out on line {line.HeadLine} ({pattern.Regex.MatchTimeout.TotalMilliseconds:0} ms regex limit)");
                    break;
                }

                if (matched)
                {
                    yield return context.Report(this, file.Path, line.HeadLine, pattern.Title, pattern.Message, exactLine: true);
                }
            }
        }
    }
}
