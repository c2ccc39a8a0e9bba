using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Reports;

namespace ReviewBot.Core.Tests.Reports;

public sealed class CoverageGateTests
{
    private static readonly SkippedFile TooLarge = new("models/x.sql", "larger than limits.max_file_bytes (2,000,000 > 1,048,576 bytes)");

    [Fact]
    public void Decide_RequiredAgentMissesSqlFile_IsIncompleteNamingFileAndReason()
    {
        var verdict = Verdict.Decide([Governance()], [], ReviewConfig.Default, [TooLarge, new SkippedFile("models/y.yml", "clipped")]);

        Assert.True(verdict.Incomplete);
        Assert.Equal(Conclusion.Failure, verdict.Conclusion);
        Assert.StartsWith("Not reviewed: governance could not analyse 2 files (models/x.sql: larger than limits.max_file_bytes", verdict.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_OnUnanalysedWarn_PassesAndSaysSo()
    {
        var verdict = Verdict.Decide([Governance()], [], new ReviewConfig { OnUnanalysed = UnanalysedOutcome.Warn }, [TooLarge]);

        Assert.False(verdict.Incomplete);
        Assert.Equal(Conclusion.Success, verdict.Conclusion);
        Assert.Contains("1 file not analysed (on_unanalysed: warn)", verdict.Title, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SkipKind.Binary)]
    [InlineData(SkipKind.Excluded)]
    [InlineData(SkipKind.NoContentChange)]
    public void Decide_OmissionsThatAreNotUnreadText_DoNotMakeTheRunIncomplete(SkipKind kind)
    {
        var verdict = Verdict.Decide([Governance()], [], ReviewConfig.Default, [new SkippedFile("data/x.parquet", "binary file") { Kind = kind }]);

        Assert.Equal((Conclusion.Success, false), (verdict.Conclusion, verdict.Incomplete));
    }

    [Fact]
    public void Decide_ProseFileNotAnalysed_DoesNotBlockGovernance()
    {
        var verdict = Verdict.Decide([Governance()], [], ReviewConfig.Default, [new SkippedFile("docs/readme.md", "clipped")]);

        Assert.False(verdict.Incomplete);
    }

    [Fact]
    public void Decide_BestEffortAgentCouldNotAnalyse_DoesNotBlock()
    {
        var quality = Agent("quality", required: false, new AgentOutput([]) { NotAnalysed = [new SkippedFile("models/a.sql", "SQL could not be parsed")] });

        var verdict = Verdict.Decide([Governance(), quality], [], ReviewConfig.Default, []);

        Assert.False(verdict.Incomplete);
    }

    [Fact]
    public void Decide_RequiredAgentReportsFileItCouldNotAnalyse_IsIncomplete()
    {
        var governance = Agent("governance", required: true, new AgentOutput([]) { NotAnalysed = [new SkippedFile("models/a.sql", "pattern 'p' timed out")] });

        var verdict = Verdict.Decide([governance], [], ReviewConfig.Default, []);

        Assert.True(verdict.Incomplete);
        Assert.Contains("governance could not analyse 1 file (models/a.sql: pattern 'p' timed out)", verdict.Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_LlmOnlyGap_DoesNotBlock()
    {
        var governance = Agent("governance", required: true, new AgentOutput([])
        {
            NotAnalysed = [new SkippedFile("models/a.sql", "not reviewed by the LLM: shed") { Kind = SkipKind.NotSeenByLlm }],
        });

        Assert.False(Verdict.Decide([governance], [], ReviewConfig.Default, []).Incomplete);
    }

    [Fact]
    public void Decide_LlmCanBlockAndRequiredAgentsLlmPassFailed_IsIncomplete()
    {
        var governance = Agent("governance", required: true, new AgentOutput([]) { LlmIncompleteReason = "LLM pass failed: connection refused" }, AgentStatus.Degraded);
        var config = new ReviewConfig { Llm = new LlmConfig { CanBlock = true } };

        var blocking = Verdict.Decide([governance], [], config, []);
        var advisory = Verdict.Decide([governance], [], ReviewConfig.Default, []);

        Assert.Equal((Conclusion.Failure, true), (blocking.Conclusion, blocking.Incomplete));
        Assert.Contains("governance LLM pass did not finish and llm.can_block is on", blocking.Title, StringComparison.Ordinal);
        Assert.Equal((Conclusion.Success, false), (advisory.Conclusion, advisory.Incomplete));
    }

    [Fact]
    public void Files_ListsEveryChangedFileWithWorstAgentStatus()
    {
        var quality = Agent("quality", required: false, new AgentOutput([])
        {
            NotAnalysed = [new SkippedFile("models/a.sql", "SQL could not be parsed")],
            Partial = [new PartialFile("models/b.sql", "macro not rendered", ["dbt_utils.pivot"])],
        });
        FileChange[] reviewed = [new("models/a.sql", ChangeKind.Modified, []), new("models/b.sql", ChangeKind.Modified, []), new("models/c.sql", ChangeKind.Added, [])];

        var files = CoverageLedger.Files([quality], reviewed, [new SkippedFile("img.png", "binary file") { Kind = SkipKind.Binary }]);

        Assert.Equal(
            ["models/a.sql:NotAnalysed", "models/b.sql:Partial", "models/c.sql:Analysed", "img.png:NotAnalysed"],
            files.Select(f => $"{f.File}:{f.Status}"));
        Assert.Equal(["dbt_utils.pivot"], files[1].Unresolved);
        Assert.Equal(SkipKind.Binary, files[3].Kind);
    }

    [Fact]
    public void ReportJson_CoverageFiles_UseTheContractSpelling()
    {
        var coverage = new CoverageReport
        {
            Files = [new FileCoverage { File = "models/x.sql", Status = CoverageStatus.NotAnalysed, Reason = "too large", Unresolved = ["dbt_utils.pivot"] }],
        };
        var report = new ReviewReport
        {
            Conclusion = Conclusion.Failure, Incomplete = true, Title = "t", Agents = [], Findings = [], Coverage = coverage, Budget = new BudgetReport(),
        };

        var json = ReportJson.Serialize(report);

        Assert.Contains("\"status\": \"not_analysed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"unresolved\": [", json, StringComparison.Ordinal);
        Assert.Contains("\"notAnalysed\": []", json, StringComparison.Ordinal);
        Assert.Equal(CoverageStatus.NotAnalysed, ReportJson.Deserialize(json).Coverage.Files[0].Status);
    }

    private static AgentResult Governance() => Agent("governance", required: true, AgentOutput.None);

    private static AgentResult Agent(string name, bool required, AgentOutput output, AgentStatus status = AgentStatus.Completed) =>
        new(new AgentDescriptor(new AgentName(name), Lane.Critical, required ? FailurePolicy.Required : FailurePolicy.BestEffort, TimeSpan.FromSeconds(60)), status, [])
        {
            Output = output,
        };
}
