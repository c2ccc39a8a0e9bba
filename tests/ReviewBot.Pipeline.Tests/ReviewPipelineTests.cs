using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Llm;
using ReviewBot.Core.Reports;
using ReviewBot.Orchestration;
using ReviewBot.TestUtils;

namespace ReviewBot.Pipeline.Tests;

public sealed class ReviewPipelineTests
{
    private static readonly Dictionary<string, string> Project = new(StringComparer.Ordinal)
    {
        ["dbt_project.yml"] = "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n",
        ["models/stg_orders.sql"] = "select\n    id as order_id,\n    status\nfrom {{ source('shop', 'orders') }}\n",
        ["models/_models.yml"] = "version: 2\nmodels:\n  - name: stg_orders\n    description: Orders.\n    columns:\n      - name: order_id\n        description: Primary key.\n        data_tests: [unique, not_null]\n      - name: status\n        description: Fulfilment status.\n",
    };

    private static ChangeSet CleanChange() => ChangeSets.FromEdits(Project, new Dictionary<string, string?>
    {
        ["models/stg_orders.sql"] = "select\n    id as order_id,\n    status,\n    placed_at\nfrom {{ source('shop', 'orders') }}\n",
        ["models/_models.yml"] = Project["models/_models.yml"] + "      - name: placed_at\n        description: When the order was placed (UTC).\n",
    });

    [Fact]
    public async Task RunAsync_ExcludedAndBinaryFiles_AreListedAsSkippedWithTheirReason()
    {
        var change = CleanChange();
        change = change with
        {
            Files = [.. change.Files, new FileChange("seeds/big.csv", ChangeKind.Added, []), new FileChange("docs/logo.png", ChangeKind.Added, []) { IsBinary = true }],
            Head = new MemorySnapshot(change.Head.Revision, new Dictionary<string, string>(await change.Head.ReadFilesAsync(await change.Head.ListFilesAsync(CancellationToken.None), CancellationToken.None))
            {
                ["docs/logo.png"] = "\u0089PNG\r\n\u001a\n\0\0\0\rIHDR",
            }),
        };
        var config = new ReviewConfig { Paths = new PathFilter { Exclude = [new Glob("seeds/**")] } };

        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(change, config, null, CancellationToken.None);

        Assert.Equal(4, report.Coverage.FilesChanged);
        Assert.Equal(2, report.Coverage.FilesReviewed);
        Assert.Contains(report.Coverage.Skipped, s => s.File == "seeds/big.csv" && s.Reason.Contains("paths", StringComparison.Ordinal));
        Assert.Contains(report.Coverage.Skipped, s => s.File == "docs/logo.png" && s.Reason.Contains("binary", StringComparison.Ordinal));
        Assert.Contains("seeds/big.csv", report.Markdown);
        Assert.Equal(Conclusion.Success, report.Conclusion);
    }

    [Fact]
    public async Task RunAsync_ChangedModel_ReportAndCommentCarryItsClassification()
    {
        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(CleanChange(), new ReviewConfig(), null, CancellationToken.None);

        var model = Assert.Single(report.Models);
        Assert.Equal(("stg_orders", ModelChangeKind.NonBreaking), (model.Name, model.Change));
        Assert.Equal(["placed_at"], model.Columns.Added);
        using var json = JsonDocument.Parse(ReportJson.Serialize(report));
        Assert.Equal("non_breaking", json.RootElement.GetProperty("models")[0].GetProperty("change").GetString());
        Assert.Contains("| `stg_orders` | 🟢 non-breaking | +`placed_at` | – |", report.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MoreFilesThanTheLimit_ClipsTheRestAndNamesEachClippedFile()
    {
        var edits = Enumerable.Range(0, 5).ToDictionary(i => $"analysis/q{i}.sql", i => (string?)$"select {i} as n\n");
        var change = ChangeSets.FromEdits(Project, edits);
        var config = new ReviewConfig { Limits = new LimitsConfig { MaxFiles = 3 } };

        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(change, config, null, CancellationToken.None);

        Assert.Equal(3, report.Coverage.FilesReviewed);
        Assert.Equal(2, report.Coverage.Skipped.Count(s => s.Reason.StartsWith("clipped", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_LlmNeverAnswers_GovernanceKeepsItsRuleFindingsAndSaysTheLlmDidNotAnswer()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var model = new HangingModel();
        var change = ChangeSets.FromEdits(Project, new Dictionary<string, string?>
        {
            ["models/stg_orders.sql"] = "select\n    id as order_id,\n    status,\n    email\nfrom {{ source('shop', 'orders') }}\n",
        });

        var run = new ReviewPipeline(time, model).RunAsync(change, LlmConfig(), null, CancellationToken.None);
        await model.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Every agent's LLM call hangs: each pass gives up within its agent's timeout budget.
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10);
        }

        var report = await run.WaitAsync(TimeSpan.FromSeconds(30));

        var governance = report.Agents.Single(a => a.Name == "governance");
        Assert.Equal("degraded", governance.Status);
        Assert.Contains("no answer", governance.Reason, StringComparison.Ordinal);
        Assert.False(report.Incomplete);
        Assert.Contains(report.Findings, f => f.Rule == "pii-column-untagged");
        Assert.Equal(Conclusion.Failure, report.Conclusion);
    }

    [Fact]
    public async Task RunAsync_RunCancelledMidway_IsAFailureTitledNotReviewed()
    {
        var model = new HangingModel();
        using var cancel = new CancellationTokenSource();

        var run = new ReviewPipeline(TimeProvider.System, model).RunAsync(CleanChange(), LlmConfig(), null, cancel.Token);
        await model.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancel.CancelAsync();
        var report = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Conclusion.Failure, report.Conclusion);
        Assert.True(report.Incomplete);
        Assert.StartsWith("Not reviewed: governance", report.Title, StringComparison.Ordinal);
        Assert.NotEqual("completed", report.Agents.Single(a => a.Name == "governance").Status);
        using var json = JsonDocument.Parse(ReportJson.Serialize(report));
        Assert.True(json.RootElement.GetProperty("incomplete").GetBoolean());
    }

    private static ReviewConfig LlmConfig() => new() { Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Deployment = "d" } };

    [Fact]
    public async Task RunAsync_LlmConfiguredButUnavailable_SaysSoInsteadOfNoLlmConfigured()
    {
        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(CleanChange(), LlmConfig(), null, CancellationToken.None);

        Assert.All(report.Agents, a => Assert.Contains(a.Notes, n => n.Contains("this run has no endpoint or credentials", StringComparison.Ordinal)));
        Assert.Contains("no endpoint or credentials", report.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_LlmFinding_IsAdvisoryUnlessCanBlock()
    {
        var change = CleanChange();
        var answer = """{"findings":[{"file":"models/stg_orders.sql","line":4,"severity":"high","title":"placed_at time zone unclear","message":"State the time zone of placed_at.","confidence":0.9}]}""";
        var config = new ReviewConfig { Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Deployment = "d" } };

        var advisory = await new ReviewPipeline(TimeProvider.System, new AnsweringModel(answer)).RunAsync(change, config, null, CancellationToken.None);
        var blocking = await new ReviewPipeline(TimeProvider.System, new AnsweringModel(answer))
            .RunAsync(change, new ReviewConfig { Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Deployment = "d", CanBlock = true } }, null, CancellationToken.None);

        Assert.Contains(advisory.Findings, f => f.Source == FindingSource.Llm && f.Severity == Severity.High);
        Assert.Equal(Conclusion.Success, advisory.Conclusion);
        Assert.Equal(Conclusion.Failure, blocking.Conclusion);
        Assert.True(advisory.Budget.PromptTokens > 0);
        Assert.StartsWith("azureopenai:", advisory.Budget.Llm, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Observer_HearsEveryAgentFinish()
    {
        var observer = new RecordingObserver();

        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(CleanChange(), ReviewConfig.Default, observer, CancellationToken.None);

        Assert.Equal(report.Agents.Select(a => a.Name).Order(), observer.Finished.Order());
        Assert.Equal(5, observer.Finished.Count);
    }

    private sealed class HangingModel : ILanguageModel
    {
        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Deployment => "d";

        public async Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken)
        {
            Called.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class AnsweringModel(string answer) : ILanguageModel
    {
        public string Deployment => "d";

        public Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new LlmCompletion(answer, 100, 20));
    }

    private sealed class RecordingObserver : IEngineObserver
    {
        private readonly Lock _gate = new();

        public List<string> Finished { get; } = [];

        public void AgentStarted(AgentDescriptor agent)
        {
        }

        public void AgentFinished(AgentResult result)
        {
            lock (_gate)
            {
                Finished.Add(result.Descriptor.Name.Value);
            }
        }

        public void Alert(AgentName agent, string message)
        {
        }
    }
}
