using System.Net;
using System.Net.Sockets;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.TestUtils.Llm;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReviewBot.Llm.Tests.Reliability;

/// <summary>
/// Transport faults and cut bodies through the real Azure OpenAI client: every one surfaces as an
/// <see cref="LlmException"/> of a kind the LLM pass can degrade on, after exactly one request (no hidden SDK
/// retry), never as another exception type that would fail the agent and cost its rule findings.
/// </summary>
public sealed class WireFaultTests : IDisposable
{
    private static readonly LlmRequest Request = new("You review SQL.", "Review this.", 500);
    private readonly ChatCompletionsStub _stub = ChatCompletionsStub.StartAzure("gpt-4o-review");

    public void Dispose() => _stub.Dispose();

    public static TheoryData<string> Faults => new() { "empty-response", "malformed-chunk", "truncated-json", "empty-body-200", "json-without-choices", "html-200" };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task CompleteAsync_WireFault_LlmExceptionAfterOneRequest(string fault)
    {
        var full = ChatCompletionsStub.CompletionJson("""{"findings":[]}""", 100, 20, "stop");
        var response = fault switch
        {
            "empty-response" => Response.Create().WithFault(FaultType.EMPTY_RESPONSE),
            "malformed-chunk" => Response.Create().WithFault(FaultType.MALFORMED_RESPONSE_CHUNK),
            "truncated-json" => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(full[..(full.Length / 2)]),
            "empty-body-200" => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json"),
            "json-without-choices" => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id":"x","object":"chat.completion"}"""),
            _ => Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html>gateway</html>"),
        };
        _stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(_stub.ChatPath).UsingPost()).RespondWith(response);

        var ex = await Record.ExceptionAsync(() => Model(_stub.Endpoint).CompleteAsync(Request, CancellationToken.None));

        var llm = Assert.IsType<LlmException>(ex);
        Assert.Contains(llm.Kind, (LlmFailureKind[])[LlmFailureKind.Malformed, LlmFailureKind.Other, LlmFailureKind.ServerError]);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_ConnectionReset_OtherNamingTheEndpoint()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";
        var reset = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        });

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model(endpoint).CompleteAsync(Request, CancellationToken.None));
        await reset;

        Assert.Equal(LlmFailureKind.Other, ex.Kind);
        Assert.Contains("127.0.0.1", ex.Message, StringComparison.Ordinal);
    }

    private static ILanguageModel Model(string endpoint) =>
        LanguageModelFactory.Create(new LlmSettings
        {
            Provider = LlmProvider.AzureOpenAI,
            Endpoint = new Uri(endpoint),
            Deployment = "gpt-4o-review",
            ApiKey = "test-key",
            NetworkTimeout = TimeSpan.FromSeconds(20),
        });
}
