using ReviewBot.Agents.LlmPass;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Llm;

namespace ReviewBot.Agents.Tests.Rules;

public sealed class RuleAgentTests
{
    private static readonly (string, string?) DropTable = ("migrations/V3__cleanup.sql", "drop table raw.shop.legacy;\n");

    [Fact]
    public async Task RunAsync_RuleSwitchedOff_NoFindingAndNoted()
    {
        var config = ConfigLoader.Parse("agents:\n  governance:\n    rules:\n      destructive-ddl: false\n", "c.yml");

        var result = await Review.RunAsync(Review.Shop(DropTable), config);

        result.None("destructive-ddl");
        Assert.Contains(result.Outputs[AgentName.Governance].Notes, n => n.Contains("destructive-ddl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SeverityOverride_Regraded()
    {
        var config = ConfigLoader.Parse("agents:\n  governance:\n    severity:\n      destructive-ddl: critical\n", "c.yml");

        var result = await Review.RunAsync(Review.Shop(DropTable), config);

        Assert.Equal(Severity.Critical, result.Single("destructive-ddl").Severity);
    }

    [Fact]
    public async Task RunAsync_PathScopedException_SuppressedWithReasonInNotes()
    {
        var config = ConfigLoader.Parse("""
            agents:
              governance:
                exceptions:
                  - path: migrations/**
                    rule: destructive-ddl
                    reason: migrations are reviewed by the DBA team
            """, "c.yml");

        var result = await Review.RunAsync(Review.Shop(DropTable, ("scripts/cleanup.sql", "truncate table raw.shop.tmp;\n")), config);

        var finding = result.Single("destructive-ddl");
        Assert.Equal("scripts/cleanup.sql", finding.File);
        Assert.Contains(result.Outputs[AgentName.Governance].Notes, n => n.Contains("reviewed by the DBA team", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_PathFilter_OnlyIncludedFiles()
    {
        var config = ConfigLoader.Parse("agents:\n  governance:\n    paths:\n      include: [\"scripts/**\"]\n", "c.yml");

        var result = await Review.RunAsync(Review.Shop(DropTable, ("scripts/cleanup.sql", "truncate table raw.shop.tmp;\n")), config);

        Assert.Equal("scripts/cleanup.sql", result.Single("destructive-ddl").File);
    }

    [Fact]
    public async Task RunAsync_FindingsHaveStableFingerprints()
    {
        var first = await Review.RunAsync(DropTable);
        var shifted = await Review.RunAsync(("migrations/V3__cleanup.sql", "-- cleanup\n\ndrop table raw.shop.legacy;\n"));

        Assert.Equal(first.Single("destructive-ddl").Fingerprint, shifted.Single("destructive-ddl").Fingerprint);
        Assert.NotEqual(first.Single("destructive-ddl").Line, shifted.Single("destructive-ddl").Line);
    }

    [Fact]
    public async Task RunAsync_WithLlmAndPass_MergesAdvisoryFindingsDegradedReasonAndNotSeen()
    {
        var pass = new RecordingPass(new LlmPassResult([new Finding
        {
            Agent = AgentName.Governance, Rule = "llm-review", Severity = Severity.Medium, File = "migrations/V3__cleanup.sql", Line = 1,
            Title = "Consider a backup", Message = "Back up before dropping.", Source = FindingSource.Llm,
        }])
        {
            DegradedReason = "LLM output truncated",
            NotSeen = [new SkippedFile("big.sql", "over the prompt budget")],
        });

        var result = await Review.RunAsync(Review.Shop(DropTable), llm: new NeverCalledModel(), pass: pass);
        var governance = result.Outputs[AgentName.Governance];

        Assert.Contains(governance.Findings, f => f.Source == FindingSource.Llm && f.Rule == "llm-review");
        Assert.Contains(governance.Findings, f => f.Source == FindingSource.Rule && f.Rule == "destructive-ddl");
        Assert.Equal("LLM output truncated", governance.DegradedReason);
        Assert.Contains(governance.NotAnalysed, s => s.File == "big.sql");
        Assert.DoesNotContain(RuleAgent.NoLlmNote, governance.Notes);
        var call = Assert.Single(pass.Calls, c => c.Agent == AgentName.Governance);
        Assert.Contains(call.RuleFindings, f => f.Rule == "destructive-ddl");
        Assert.Contains(call.Slice, f => f.Path == "migrations/V3__cleanup.sql");
    }

    [Fact]
    public async Task RunAsync_NoLlm_PassNotCalledAndRulesOnlyNote()
    {
        var pass = new RecordingPass(new LlmPassResult([]));

        var result = await Review.RunAsync(Review.Shop(DropTable), pass: pass);

        Assert.Empty(pass.Calls);
        Assert.All(result.Outputs.Values, o => Assert.Contains(RuleAgent.NoLlmNote, o.Notes));
    }

    [Fact]
    public async Task RunAsync_SharedContextNotBuilt_AgentBuildsIt()
    {
        var change = Review.Shop(DropTable);
        var agent = AgentCatalog.Create(ReviewConfig.Default).Single(a => a.Descriptor.Name == AgentName.Governance);

        var output = await agent.RunAsync(new AgentContext { Change = change, Resources = new ResourceStore() }, CancellationToken.None);

        Assert.Contains(output.Findings, f => f.Rule == "destructive-ddl");
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        var change = Review.Shop(DropTable);
        var resources = new ResourceStore();
        await SharedContext.BuildAsync(change, resources, CancellationToken.None);
        var agent = AgentCatalog.Create(ReviewConfig.Default)[0];
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => agent.RunAsync(new AgentContext { Change = change, Resources = resources }, cts.Token));
    }

    private sealed class RecordingPass(LlmPassResult result) : IAgentLlmPass
    {
        public List<(AgentName Agent, IReadOnlyList<FileChange> Slice, IReadOnlyList<Finding> RuleFindings)> Calls { get; } = [];

        public Task<LlmPassResult> RunAsync(AgentContext context, IReadOnlyList<FileChange> slice, IReadOnlyList<Finding> ruleFindings, CancellationToken cancellationToken)
        {
            lock (Calls)
            {
                Calls.Add((ruleFindings.Count > 0 ? ruleFindings[0].Agent : AgentName.Docs, slice, ruleFindings));
            }

            return Task.FromResult(ruleFindings.Any(f => f.Agent == AgentName.Governance) ? result : new LlmPassResult([]));
        }
    }

    private sealed class NeverCalledModel : ILanguageModel
    {
        public string Deployment => "test";

        public Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the agent must go through its LLM pass, not the model directly");
    }
}
