using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Orchestration;

/// <summary>
/// The outcome of one run: every agent's result in the order the agents were given, the merged and
/// ranked findings, the gate, the compute budget spent and shed, and the wall-clock duration.
/// </summary>
public sealed record EngineRun(IReadOnlyList<AgentResult> Agents, IReadOnlyList<Finding> Findings, Verdict Verdict, BudgetReport Budget, TimeSpan Duration);
