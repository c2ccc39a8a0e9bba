using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;
using WireMock.Settings;

namespace ReviewBot.TestUtils.Llm;

/// <summary>
/// A loopback WireMock server answering chat completions in the wire format of Azure OpenAI
/// (<c>/openai/deployments/{deployment}/chat/completions?api-version=...</c>) or of an OpenAI-compatible
/// server (<c>/v1/chat/completions</c>), so tests drive the real Azure.AI.OpenAI / OpenAI clients.
/// </summary>
public sealed class ChatCompletionsStub : IDisposable
{
    private const string Scenario = "answers";
    private readonly WireMockServer _server;

    private ChatCompletionsStub(string path, string endpoint, string deployment)
    {
        _server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"], StartAdminInterface = false });
        ChatPath = path;
        Deployment = deployment;
        Endpoint = _server.Url + endpoint;
    }

    /// <summary>The chat completions path the client must call.</summary>
    public string ChatPath { get; }

    public string Deployment { get; }

    /// <summary>What to configure as the endpoint: the Azure resource root, or the OpenAI base URL ending in <c>/v1</c>.</summary>
    public string Endpoint { get; }

    public WireMockServer Server => _server;

    /// <summary>Bodies of the chat completion requests received, in order.</summary>
    public IReadOnlyList<string> RequestBodies =>
        _server.LogEntries.Where(e => e.RequestMessage?.Path == ChatPath).Select(e => e.RequestMessage!.Body ?? "").ToList();

    public int RequestCount => RequestBodies.Count;

    /// <summary>The <c>api-version</c> query values received.</summary>
    public IReadOnlyList<string> ApiVersions =>
        _server.LogEntries.Where(e => e.RequestMessage?.Path == ChatPath)
            .Select(e => e.RequestMessage!.Query is { } q && q.TryGetValue("api-version", out var v) ? string.Join(",", v) : "").ToList();

    public static ChatCompletionsStub StartAzure(string deployment = "gpt-4o-review") =>
        new($"/openai/deployments/{deployment}/chat/completions", "/", deployment);

    public static ChatCompletionsStub StartOpenAiCompatible(string model = "llama-3.1-70b") =>
        new("/v1/chat/completions", "/v1", model);

    /// <summary>Every call answers <paramref name="content"/> with the given usage.</summary>
    public void Answer(string? content, int promptTokens = 100, int completionTokens = 20, string finishReason = "stop", TimeSpan? delay = null)
    {
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody(CompletionJson(content, promptTokens, completionTokens, finishReason));
        if (delay is { } d)
        {
            response = response.WithDelay(d);
        }

        _server.Given(ChatRequest()).RespondWith(response);
    }

    /// <summary>
    /// Every call answers <paramref name="content"/>, reporting as prompt tokens the size of what was sent
    /// (message texts plus the response schema, at about four characters per token), so token measurements
    /// see what the request carried.
    /// </summary>
    public void AnswerWithMeasuredUsage(string content, int completionTokens = 20) =>
        _server.Given(ChatRequest()).RespondWith(Response.Create().WithCallback(request =>
        {
            var message = new ResponseMessage
            {
                StatusCode = 200,
                BodyData = new BodyData
                {
                    BodyAsString = CompletionJson(content, EstimatePromptTokens(request.Body ?? ""), completionTokens, "stop"),
                    DetectedBodyType = BodyType.String,
                },
            };
            message.AddHeader("Content-Type", "application/json");
            return message;
        }));

    /// <summary>About four characters per token of the message texts and the response schema of a request body.</summary>
    public static int EstimatePromptTokens(string requestBody)
    {
        using var document = JsonDocument.Parse(requestBody);
        long characters = 0;
        foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
        {
            characters += message.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()!.Length : 0;
        }

        if (document.RootElement.TryGetProperty("response_format", out var format)
            && format.TryGetProperty("json_schema", out var schema) && schema.TryGetProperty("schema", out var body))
        {
            characters += body.GetRawText().Length;
        }

        return (int)((characters + 3) / 4);
    }

    /// <summary>Successive calls answer the given contents in order; the last one repeats.</summary>
    public void AnswerInOrder(params string[] contents)
    {
        for (var i = 0; i < contents.Length; i++)
        {
            var given = _server.Given(ChatRequest()).InScenario(Scenario);
            given = i == 0 ? given.WhenStateIs(null!) : given.WhenStateIs($"s{i}");
            if (i < contents.Length - 1)
            {
                given = given.WillSetStateTo($"s{i + 1}");
            }

            given.RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody(CompletionJson(contents[i], 100 + i, 20 + i, "stop")));
        }
    }

    /// <summary>Every call fails with <paramref name="status"/> and the given body and headers.</summary>
    public void Fail(int status, string? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            response = response.WithHeader(name, value);
        }

        if (body is not null)
        {
            response = response.WithBody(body);
        }

        _server.Given(ChatRequest()).RespondWith(response);
    }

    /// <summary>An OpenAI-style error body: <c>{"error":{"code":...,"message":...}}</c>.</summary>
    public static string ErrorJson(string code, string message, string? innerCode = null)
    {
        var error = new Dictionary<string, object?> { ["code"] = code, ["message"] = message, ["type"] = null, ["param"] = null };
        if (innerCode is not null)
        {
            error["innererror"] = new Dictionary<string, object?> { ["code"] = innerCode };
        }

        return JsonSerializer.Serialize(new Dictionary<string, object?> { ["error"] = error });
    }

    /// <summary>A chat completion body as the service sends it.</summary>
    public static string CompletionJson(string? content, int promptTokens, int completionTokens, string finishReason) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "chatcmpl-test",
            ["object"] = "chat.completion",
            ["created"] = 1_732_380_000,
            ["model"] = "gpt-4o-2024-08-06",
            ["choices"] = new object[]
            {
                new Dictionary<string, object?>
                {
                    ["index"] = 0,
                    ["message"] = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = content, ["refusal"] = null },
                    ["finish_reason"] = finishReason,
                    ["logprobs"] = null,
                },
            },
            ["usage"] = new Dictionary<string, object?>
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        });

    public void Dispose() => _server.Dispose();

    private IRequestBuilder ChatRequest() => Request.Create().WithPath(ChatPath).UsingPost();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
