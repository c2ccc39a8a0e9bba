using System.Text.Json;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.Llm;
using ReviewBot.Reporting;
using ReviewBot.TestUtils;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.Pipeline.Tests;

/// <summary>
/// A model (the real Azure OpenAI client against a loopback WireMock endpoint) that quotes a password it was shown,
/// or one it made up: no output of the run — comment, check run, JSON report, SARIF — holds it.
/// </summary>
public sealed class ModelOutputSecretsTests : IDisposable
{
    private const string Seen = "Nxt-L1ne-Pa55-7731";
    private const string Invented = "Pr0se-Only-Secret-1234";

    private readonly ChatCompletionsStub _stub = ChatCompletionsStub.StartAzure("reviewbot-gpt4o");

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task RunAsync_ModelQuotesAPassword_NoOutputContainsIt()
    {
        _stub.Answer(JsonSerializer.Serialize(new
        {
            findings = new object[]
            {
                new
                {
                    file = "config/warehouse.yml", line = 4, severity = "high",
                    title = $"Password {Seen} committed",
                    message = $"The value \"{Seen}\" on this line is a live credential; also password: {Invented} appears in the config. Use env_var().",
                    confidence = 0.9,
                },
            },
        }));
        var change = ChangeSets.FromFiles(new Dictionary<string, string>(), new Dictionary<string, string>
        {
            ["config/warehouse.yml"] = $"warehouse:\n  user: loader\n  password:\n    \"{Seen}\"\n",
        });
        var config = new ReviewConfig { Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI } };
        var model = LanguageModelFactory.Create(config.Llm, new Dictionary<string, string?>
        {
            ["INPUT_AZURE_OPENAI_ENDPOINT"] = _stub.Endpoint,
            ["INPUT_AZURE_OPENAI_DEPLOYMENT"] = "reviewbot-gpt4o",
            ["INPUT_AZURE_OPENAI_API_KEY"] = "test-key",
        });

        var report = await new ReviewPipeline(TimeProvider.System, model).RunAsync(change, config, null, CancellationToken.None);

        // The model's finding is kept (masked), so the assertions below look at real model output.
        var llm = Assert.Single(report.Findings, f => f.Source == FindingSource.Llm && f.Agent.Value == "governance");
        Assert.Contains("Password", llm.Title, StringComparison.Ordinal);
        Assert.Contains("(18 chars)", llm.Title, StringComparison.Ordinal);
        Assert.All(_stub.RequestBodies, b => Assert.DoesNotContain(Seen, b, StringComparison.Ordinal));
        string[] outputs =
        [
            report.Markdown, CheckRunRenderer.Summary(report), CheckRunRenderer.Text(report), ReportJson.Serialize(report), SarifWriter.Write(report),
            string.Join('\n', report.Findings.Select(f => f.Anchor)),
        ];
        foreach (var output in outputs)
        {
            Assert.DoesNotContain(Seen, output, StringComparison.Ordinal);
            Assert.DoesNotContain(Invented, output, StringComparison.Ordinal);
        }
    }
}
