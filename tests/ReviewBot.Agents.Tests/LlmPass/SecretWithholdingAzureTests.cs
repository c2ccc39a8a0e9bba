using System.Text.Json;
using ReviewBot.Agents.LlmPass;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Llm;
using ReviewBot.TestUtils;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.Agents.Tests.LlmPass;

/// <summary>
/// Every agent's LLM request, built-in and custom, through the real Azure OpenAI client against a loopback WireMock
/// endpoint: secrets written the ways real repositories write them never reach a request body.
/// </summary>
public sealed class SecretWithholdingAzureTests : IDisposable
{
    internal static readonly string[] Secrets =
    [
        "Nxt-L1ne-Pa55-7731", "Bl0ck-Scalar-Secret-9920", "three words Pa55-4410", "Pa55-4410", "correct horse battery staple 5512", "battery staple",
        "Odbc-Pa55 w0rd-6621", "Sql-L1teral-Pa55-8830",
    ];

    internal static readonly Dictionary<string, string> After = new(StringComparer.Ordinal)
    {
        ["config/warehouse.yml"] = "warehouse:\n  user: loader\n  password:\n    \"Nxt-L1ne-Pa55-7731\"\n  api_secret: >-\n    Bl0ck-Scalar-Secret-9920\n  admin_password: three words Pa55-4410\n",
        [".env"] = "SMTP_HOST=mail.acme.internal\nSMTP_PASSWORD=correct horse battery staple 5512\n",
        ["etl/load.py"] = "import pyodbc\n\nCONN = \"Driver={ODBC Driver 18};Server=tcp:acme.database.windows.net;Uid=loader;Pwd=Odbc-Pa55 w0rd-6621;\"\n\n\ndef setup(cur):\n    cur.execute(\"create user loader password 'Sql-L1teral-Pa55-8830'\")\n",
        ["models/orders.sql"] = "select order_id, amount from {{ ref('stg_orders') }}\n",
    };

    private readonly ChatCompletionsStub _stub = ChatCompletionsStub.StartAzure("reviewbot-gpt4o");

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task EveryAgentsRequest_StructuredSecrets_NeverInTheBody()
    {
        _stub.Answer("{\"findings\":[]}");
        var change = ChangeSets.FromFiles(new Dictionary<string, string>(), After);
        var config = new ReviewConfig
        {
            Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI },
            Agents = new Dictionary<string, AgentConfig>
            {
                ["finance"] = new AgentConfig { Lane = Lane.Normal, Prompt = "Flag anything that touches money or credentials." },
            },
        };

        var result = await Review.RunAsync(change, config, Model(), new AgentLlmPass());

        var bodies = _stub.RequestBodies;
        Assert.True(bodies.Count >= 3, $"only {bodies.Count} requests");
        Assert.Contains(bodies, b => b.Contains("You are the finance reviewer", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains("You are the governance reviewer", StringComparison.Ordinal));
        foreach (var body in bodies)
        {
            var user = JsonDocument.Parse(body).RootElement.GetProperty("messages")[1].GetProperty("content").GetString()!;
            foreach (var secret in Secrets)
            {
                Assert.DoesNotContain(secret, user, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
            }

            // The file is still shown, with the flagged lines withheld rather than dropped (line numbers stay valid).
            if (user.Contains("### FILE config/warehouse.yml", StringComparison.Ordinal))
            {
                Assert.Contains("+4 | [REDACTED:line flagged as a secret by the rules]", user, StringComparison.Ordinal);
            }
        }

        Assert.NotEmpty(result.Of("secret-in-code"));
    }

    private ILanguageModel Model() =>
        LanguageModelFactory.Create(new LlmConfig { Provider = LlmProvider.AzureOpenAI }, new Dictionary<string, string?>
        {
            ["INPUT_AZURE_OPENAI_ENDPOINT"] = _stub.Endpoint,
            ["INPUT_AZURE_OPENAI_DEPLOYMENT"] = "reviewbot-gpt4o",
            ["INPUT_AZURE_OPENAI_API_KEY"] = "test-key",
        })!;
}
