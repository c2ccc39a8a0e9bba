using System.Diagnostics;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Core.Reports;
using ReviewBot.TestUtils;

namespace ReviewBot.Pipeline.Tests.Attacks;

/// <summary>Attacks on the time budget and on the LLM half of the gate (issue 19).</summary>
public sealed class BudgetAttackTests
{
    private static readonly Dictionary<string, string> Repo = new(StringComparer.Ordinal)
    {
        ["migrations/001_init.sql"] = "create table analytics.customers (id int);\n",
    };

    [Fact]
    public async Task Run_CustomRequiredAgentsRegexBacktracksCatastrophically_IncompleteWithinItsBudgetNeverCompleted()
    {
        // Nested quantifiers against a near-match: every line costs the regex its full 200 ms timeout. Plain text files,
        // so the only agent that cannot finish is the custom one (as SQL, these lines are also unparseable migrations).
        var lines = string.Concat(Enumerable.Range(0, 200).Select(i => new string('a', 40) + "!\n"));
        var change = ChangeSets.FromEdits(Repo, new Dictionary<string, string?> { ["notes/payload.txt"] = lines, ["notes/more.txt"] = lines });
        var config = ConfigLoader.Parse("""
            agents:
              backtrack:
                lane: critical
                policy: required
                timeout: 3s
                patterns:
                  - id: nested
                    regex: "^(a+)+$"
            """, "c.yml");

        var clock = Stopwatch.StartNew();
        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(change, config, null, CancellationToken.None);
        clock.Stop();

        var agent = report.Agents.Single(a => a.Name == "backtrack");
        Assert.NotEqual("completed", agent.Status);
        Assert.True(report.Incomplete);
        Assert.Equal(Conclusion.Failure, report.Conclusion);
        Assert.Contains("backtrack", report.Title, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Run_LlmCanBlockAndTheModelIsUnreachable_NotAGreenDegradedRun()
    {
        var change = ChangeSets.FromEdits(Repo, new Dictionary<string, string?> { ["migrations/002_view.sql"] = "create view analytics.v as select id from analytics.customers;\n" });
        var config = new ReviewConfig { Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Deployment = "d", CanBlock = true } };

        var report = await new ReviewPipeline(TimeProvider.System, new UnreachableModel()).RunAsync(change, config, null, CancellationToken.None);

        Assert.True(report.Incomplete);
        Assert.Equal(Conclusion.Failure, report.Conclusion);
        Assert.Contains("LLM pass did not finish and llm.can_block is on", report.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_LlmAdvisoryAndTheModelIsUnreachable_StillPassesDegraded()
    {
        var change = ChangeSets.FromEdits(Repo, new Dictionary<string, string?> { ["migrations/002_view.sql"] = "create view analytics.v as select id from analytics.customers;\n" });
        var config = new ReviewConfig { Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Deployment = "d" } };

        var report = await new ReviewPipeline(TimeProvider.System, new UnreachableModel()).RunAsync(change, config, null, CancellationToken.None);

        Assert.Equal((Conclusion.Success, false), (report.Conclusion, report.Incomplete));
        Assert.Contains("degraded", report.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TenThousandNestedSubqueries_NoCrashAndGovernanceSaysItCouldNotAnalyseTheFile()
    {
        var deep = string.Concat(Enumerable.Repeat("select * from (", 10_000)) + "select 1 as x" + new string(')', 10_000) + "\n";
        var change = ChangeSets.FromEdits(Repo, new Dictionary<string, string?> { ["migrations/002_deep.sql"] = deep });

        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(change, ReviewConfig.Default, null, CancellationToken.None);

        Assert.True(report.Incomplete);
        Assert.Contains(report.Coverage.Unanalysed, u => u.Agent == "governance" && u.File == "migrations/002_deep.sql" && u.Reason.Contains("nested more than", StringComparison.Ordinal));
    }

    private sealed class UnreachableModel : ILanguageModel
    {
        public string Deployment => "d";

        public Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken) =>
            Task.FromException<LlmCompletion>(new HttpRequestException("Connection refused (127.0.0.1:9)"));
    }
}
