using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Core.Tests.Reports;

public sealed class VerdictTests
{
    private static readonly ReviewConfig Defaults = ReviewConfig.Default;

    [Fact]
    public void Decide_AllCompletedNoFindings_SucceedsWithNoFindings()
    {
        var verdict = Verdict.Decide([Completed("governance", required: true), Completed("quality")], [], Defaults);

        Assert.Equal((Conclusion.Success, false, "No findings"), (verdict.Conclusion, verdict.Incomplete, verdict.Title));
        Assert.Empty(verdict.Blocking);
    }

    [Fact]
    public void Decide_FindingAtFailOn_FailsAndListsIt()
    {
        var high = Finding("quality", Severity.High);
        var low = Finding("quality", Severity.Low);

        var verdict = Verdict.Decide([Completed("quality")], [high, low], Defaults);

        Assert.Equal((Conclusion.Failure, false, "1 blocking finding (at or above high)"), (verdict.Conclusion, verdict.Incomplete, verdict.Title));
        Assert.Equal([high], verdict.Blocking);
    }

    [Fact]
    public void Decide_FindingsBelowFailOn_PassWithCount()
    {
        var verdict = Verdict.Decide([Completed("docs")], [Finding("docs", Severity.Medium), Finding("docs", Severity.Info)], Defaults);

        Assert.Equal((Conclusion.Success, "Passed with 2 non-blocking findings"), (verdict.Conclusion, verdict.Title));
    }

    [Fact]
    public void Decide_FailOnLowered_MediumBlocks()
    {
        var config = new ReviewConfig { FailOn = Severity.Medium };

        var verdict = Verdict.Decide([Completed("docs")], [Finding("docs", Severity.Medium), Finding("docs", Severity.Medium)], config);

        Assert.Equal((Conclusion.Failure, "2 blocking findings (at or above medium)"), (verdict.Conclusion, verdict.Title));
    }

    [Fact]
    public void Decide_LlmFindingAboveFailOn_IsAdvisoryUnlessCanBlock()
    {
        var llm = Finding("quality", Severity.Critical) with { Source = FindingSource.Llm };

        var advisory = Verdict.Decide([Completed("quality")], [llm], Defaults);
        var blocking = Verdict.Decide([Completed("quality")], [llm], new ReviewConfig { Llm = new LlmConfig { CanBlock = true } });

        Assert.Equal(Conclusion.Success, advisory.Conclusion);
        Assert.Equal(Conclusion.Failure, blocking.Conclusion);
        Assert.Equal([llm], blocking.Blocking);
    }

    [Theory]
    [InlineData(AgentStatus.TimedOut, "budget exhausted", "Not reviewed: governance timed out (budget exhausted)")]
    [InlineData(AgentStatus.Failed, "boom", "Not reviewed: governance failed: boom")]
    [InlineData(AgentStatus.Failed, null, "Not reviewed: governance failed")]
    [InlineData(AgentStatus.Shed, "over budget", "Not reviewed: governance shed (over budget)")]
    [InlineData(AgentStatus.Skipped, "dependency failed", "Not reviewed: governance skipped (dependency failed)")]
    public void Decide_RequiredAgentDidNotFinish_FailsAsNotReviewed(AgentStatus status, string? reason, string title)
    {
        var verdict = Verdict.Decide([Result("governance", status, required: true, reason), Completed("quality")], [], Defaults);

        Assert.Equal((Conclusion.Failure, true, title), (verdict.Conclusion, verdict.Incomplete, verdict.Title));
    }

    [Fact]
    public void Decide_RequiredAgentDegraded_CountsAsReviewed()
    {
        var verdict = Verdict.Decide([Result("governance", AgentStatus.Degraded, required: true, "LLM pass timed out")], [], Defaults);

        Assert.Equal((Conclusion.Success, false, "No findings; 1 agent degraded"), (verdict.Conclusion, verdict.Incomplete, verdict.Title));
    }

    [Fact]
    public void Decide_IncompleteWithBlockingFindings_TitleNamesBoth()
    {
        var verdict = Verdict.Decide(
            [Result("governance", AgentStatus.TimedOut, required: true), Result("custom", AgentStatus.Failed, required: true, "crash"), Completed("quality")],
            [Finding("quality", Severity.Critical)],
            Defaults);

        Assert.Equal("Not reviewed: governance timed out; custom failed: crash (1 blocking finding)", verdict.Title);
        Assert.True(verdict.Incomplete);
        Assert.Single(verdict.Blocking);
    }

    [Fact]
    public void Decide_OnIncompletePass_PassesOnlyWithoutBlockingFindings()
    {
        var config = new ReviewConfig { OnIncomplete = IncompleteOutcome.Pass };
        AgentResult[] agents = [Result("governance", AgentStatus.TimedOut, required: true)];

        var clean = Verdict.Decide(agents, [], config);
        var dirty = Verdict.Decide(agents, [Finding("governance", Severity.High)], config);

        Assert.Equal((Conclusion.Success, true), (clean.Conclusion, clean.Incomplete));
        Assert.StartsWith("Not reviewed:", clean.Title, StringComparison.Ordinal);
        Assert.Equal((Conclusion.Failure, true), (dirty.Conclusion, dirty.Incomplete));
    }

    [Fact]
    public void Decide_BestEffortAgentsFailed_PassDegradedButNeverIncomplete()
    {
        var verdict = Verdict.Decide(
            [Completed("governance", required: true), Result("cost", AgentStatus.TimedOut), Result("docs", AgentStatus.Shed), Result("lineage", AgentStatus.Skipped)],
            [Finding("docs", Severity.Low)],
            Defaults);

        Assert.Equal((Conclusion.Success, false, "Passed with 1 non-blocking finding; 2 agents degraded"), (verdict.Conclusion, verdict.Incomplete, verdict.Title));
    }

    [Fact]
    public void Decide_ManyRequiredFailures_TitleIsClippedTo200Characters()
    {
        var agents = Enumerable.Range(0, 30).Select(i => Result($"agent-{i}", AgentStatus.Failed, required: true, "a rather long reason")).ToList();

        var verdict = Verdict.Decide(agents, [], Defaults);

        Assert.Equal(200, verdict.Title.Length);
        Assert.EndsWith("...", verdict.Title, StringComparison.Ordinal);
        Assert.StartsWith("Not reviewed: agent-0 failed: a rather long reason; agent-1", verdict.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void IsBlocking_ExactlyAtThreshold_Blocks()
    {
        Assert.True(Verdict.IsBlocking(Finding("x", Severity.High), Defaults));
        Assert.False(Verdict.IsBlocking(Finding("x", Severity.Medium), Defaults));
        Assert.True(Verdict.IsBlocking(Finding("x", Severity.Info), new ReviewConfig { FailOn = Severity.Info }));
    }

    private static AgentResult Completed(string name, bool required = false) => Result(name, AgentStatus.Completed, required);

    private static AgentResult Result(string name, AgentStatus status, bool required = false, string? reason = null) =>
        new(new AgentDescriptor(new AgentName(name), Lane.Normal, required ? FailurePolicy.Required : FailurePolicy.BestEffort, TimeSpan.FromSeconds(60)), status, [])
        {
            Reason = reason,
        };

    private static Finding Finding(string agent, Severity severity) => new()
    {
        Agent = new AgentName(agent),
        Rule = "some-rule",
        Severity = severity,
        File = "models/a.sql",
        Line = 3,
        Title = "t",
        Message = "m",
    };
}
