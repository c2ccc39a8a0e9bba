using Microsoft.Extensions.Time.Testing;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Core.Reports;
using ReviewBot.TestUtils;

namespace ReviewBot.Pipeline.Tests.Reliability;

/// <summary>
/// A model that never answers (but honours cancellation) must not cost the run its rule findings: each agent's LLM
/// pass gives up at 70% of the agent's budget, the agent is degraded, and the deterministic findings decide the gate.
/// </summary>
public sealed class LlmNeverAnswersTests
{
    [Fact]
    public async Task RunAsync_ModelHangs_AgentsDegradedRuleFindingsKeptGateStillFails()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var model = new SilentModel();
        var change = ChangeSets.FromEdits(
            new Dictionary<string, string>(StringComparer.Ordinal) { ["pipelines/load.py"] = "import os\n" },
            new Dictionary<string, string?> { ["pipelines/load.py"] = "import os\n\nAWS_KEY = \"AKIAZ7Q3XW9PLMNB4K2R\"\n" });
        var config = new ReviewConfig
        {
            Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Deployment = "d" },
            Agents = new Dictionary<string, AgentConfig> { ["governance"] = new() { Timeout = TimeSpan.FromSeconds(30) } },
        };

        var run = new ReviewPipeline(time, model).RunAsync(change, config, null, CancellationToken.None);
        await model.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5);
        }

        var report = await run.WaitAsync(TimeSpan.FromSeconds(30));

        var governance = report.Agents.Single(a => a.Name == "governance");
        Assert.Equal("degraded", governance.Status);
        Assert.Contains("no answer within 21s", governance.Reason, StringComparison.Ordinal);
        Assert.False(report.Incomplete);
        Assert.Equal(Conclusion.Failure, report.Conclusion);
        Assert.Contains(report.Findings, f => f.Agent.Value == "governance" && f.File == "pipelines/load.py" && f.Line == 3);
        Assert.Contains(report.Coverage.NotAnalysed, s => s.Agent == "governance" && s.File == "pipelines/load.py" && s.Reason.Contains("no answer in time", StringComparison.Ordinal));
    }

    private sealed class SilentModel : ILanguageModel
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
}
