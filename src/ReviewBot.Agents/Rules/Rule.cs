using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Rules;

/// <summary>A rule as documented: its agent, id, default severity and one-line rationale.</summary>
public sealed record RuleInfo(AgentName Agent, string Id, Severity DefaultSeverity, string Rationale);

/// <summary>
/// A deterministic rule: an id (kebab-case), a default severity, a one-line rationale, and an
/// evaluation over the shared context that yields findings on changed lines. Rules never throw on
/// bad input; what they cannot analyse they report through <see cref="RuleContext.NotAnalysed"/>.
/// </summary>
internal abstract class Rule
{
    public abstract string Id { get; }

    public abstract Severity DefaultSeverity { get; }

    public abstract string Rationale { get; }

    public abstract IEnumerable<Finding> Evaluate(RuleContext context);
}
