using System.Diagnostics;
using System.Text.Json;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.Llm.Tests;

/// <summary>The real Azure.AI.OpenAI client against a loopback WireMock server speaking the Azure wire format.</summary>
public sealed class AzureOpenAiLanguageModelTests : IDisposable
{
    private static readonly LlmRequest Request = new("You review SQL.", "Review this.", 500);
    private readonly ChatCompletionsStub _stub = ChatCompletionsStub.StartAzure("gpt-4o-review");

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task CompleteAsync_NormalAnswer_ReturnsTextUsageAndFinishReason()
    {
        _stub.Answer("{\"findings\":[]}", promptTokens: 321, completionTokens: 12);
        var model = Model();

        var completion = await model.CompleteAsync(Request, CancellationToken.None);

        Assert.Equal("{\"findings\":[]}", completion.Text);
        Assert.Equal(321, completion.PromptTokens);
        Assert.Equal(12, completion.CompletionTokens);
        Assert.Equal("stop", completion.FinishReason);
        Assert.Equal("gpt-4o-review", model.Deployment);
        Assert.Equal(["2024-10-21"], _stub.ApiVersions);
    }

    [Fact]
    public async Task CompleteAsync_StubMeasuringUsage_PromptTokensAreWhatTheRequestCarried()
    {
        _stub.AnswerWithMeasuredUsage("{}", completionTokens: 5);
        var request = new LlmRequest(new string('s', 400), new string('u', 1_200), 100);

        var completion = await Model().CompleteAsync(request, CancellationToken.None);

        Assert.Equal(400, completion.PromptTokens);
        Assert.Equal(5, completion.CompletionTokens);
    }

    [Fact]
    public async Task CompleteAsync_Request_SendsSystemUserMaxTokensAndApiKey()
    {
        _stub.Answer("ok");
        await Model().CompleteAsync(Request, CancellationToken.None);

        using var body = JsonDocument.Parse(_stub.RequestBodies.Single());
        var messages = body.RootElement.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("You review SQL.", messages[0].GetProperty("content").GetString());
        Assert.Equal("user", messages[1].GetProperty("role").GetString());
        Assert.Equal("Review this.", messages[1].GetProperty("content").GetString());
        Assert.True(body.RootElement.TryGetProperty("max_tokens", out var max) || body.RootElement.TryGetProperty("max_completion_tokens", out max));
        Assert.Equal(500, max.GetInt32());
        Assert.False(body.RootElement.TryGetProperty("response_format", out _));
        var entry = _stub.Server.LogEntries.Single();
        Assert.Equal("test-key", entry.RequestMessage!.Headers!["api-key"].Single());
    }

    [Fact]
    public async Task CompleteAsync_JsonSchema_SendsStrictJsonSchemaResponseFormat()
    {
        _stub.Answer("{\"findings\":[]}");
        const string schema = """{"type":"object","properties":{"findings":{"type":"array","items":{"type":"string"}}},"required":["findings"],"additionalProperties":false}""";

        await Model().CompleteAsync(Request with { ResponseJsonSchema = schema, ResponseSchemaName = "review_findings" }, CancellationToken.None);

        using var body = JsonDocument.Parse(_stub.RequestBodies.Single());
        var format = body.RootElement.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        var jsonSchema = format.GetProperty("json_schema");
        Assert.Equal("review_findings", jsonSchema.GetProperty("name").GetString());
        Assert.True(jsonSchema.GetProperty("strict").GetBoolean());
        Assert.Equal("object", jsonSchema.GetProperty("schema").GetProperty("type").GetString());
    }

    [Fact]
    public async Task CompleteAsync_ApiVersionConfigured_SendsIt()
    {
        _stub.Answer("ok");
        await Model(apiVersion: "2024-06-01").CompleteAsync(Request, CancellationToken.None);

        Assert.Equal(["2024-06-01"], _stub.ApiVersions);
    }

    [Fact]
    public async Task CompleteAsync_429WithRetryAfterMs_RateLimitedWithRetryAfterAndNoSdkRetry()
    {
        _stub.Fail(429, ChatCompletionsStub.ErrorJson("429", "Requests to the ChatCompletions_Create Operation have exceeded call rate limit."),
            new Dictionary<string, string> { ["retry-after-ms"] = "1500", ["Retry-After"] = "2" });

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), ex.RetryAfter);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_429WithRetryAfterSecondsOnly_UsesRetryAfter()
    {
        _stub.Fail(429, ChatCompletionsStub.ErrorJson("429", "rate limit"), new Dictionary<string, string> { ["Retry-After"] = "7" });

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }

    [Fact]
    public async Task CompleteAsync_429WithRetryAfterHttpDate_WaitMeasuredOnTheTimeProvider()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));
        _stub.Fail(429, ChatCompletionsStub.ErrorJson("429", "rate limit"), new Dictionary<string, string> { ["Retry-After"] = "Mon, 23 Nov 2026 18:00:45 GMT" });
        var model = LanguageModelFactory.Create(
            new LlmSettings { Provider = LlmProvider.AzureOpenAI, Endpoint = new Uri(_stub.Endpoint), Deployment = "gpt-4o-review", ApiKey = "k" }, time: time);

        var ex = await Assert.ThrowsAsync<LlmException>(() => model.CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(45), ex.RetryAfter);
    }

    [Fact]
    public async Task CompleteAsync_500_ServerErrorAfterExactlyOneRequest()
    {
        _stub.Fail(500, ChatCompletionsStub.ErrorJson("InternalServerError", "The server had an error while processing your request."));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.ServerError, ex.Kind);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_503_ServerErrorAfterExactlyOneRequest()
    {
        _stub.Fail(503);

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.ServerError, ex.Kind);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_ResponseSlowerThanToken_CancelsPromptly()
    {
        _stub.Answer("late", delay: TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Model().CompleteAsync(Request, cts.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task CompleteAsync_ResponseSlowerThanNetworkTimeout_Timeout()
    {
        _stub.Answer("late", delay: TimeSpan.FromSeconds(30));
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model(networkTimeout: TimeSpan.FromMilliseconds(300)).CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.Timeout, ex.Kind);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task CompleteAsync_MalformedJsonBody_Malformed()
    {
        _stub.Server.Given(WireMock.RequestBuilders.Request.Create().WithPath(_stub.ChatPath).UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"trunc"));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.Malformed, ex.Kind);
    }

    [Fact]
    public async Task CompleteAsync_PromptContentFilter400_ContentFiltered()
    {
        _stub.Fail(400, ChatCompletionsStub.ErrorJson("content_filter", "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", "ResponsibleAIPolicyViolation"));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.ContentFiltered, ex.Kind);
    }

    [Fact]
    public async Task CompleteAsync_FinishReasonContentFilter_ContentFiltered()
    {
        _stub.Answer(null, finishReason: "content_filter");

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.ContentFiltered, ex.Kind);
    }

    [Fact]
    public async Task CompleteAsync_Other400_OtherWithServiceCode()
    {
        _stub.Fail(400, ChatCompletionsStub.ErrorJson("context_length_exceeded", "This model's maximum context length is 128000 tokens."));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.Other, ex.Kind);
        Assert.Contains("context_length_exceeded", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_401_UnauthorizedNamingTheKeyVariable()
    {
        _stub.Fail(401, ChatCompletionsStub.ErrorJson("401", "Access denied due to invalid subscription key or wrong API endpoint."));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.Unauthorized, ex.Kind);
        Assert.Contains("check AZURE_OPENAI_API_KEY", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("test-key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_403_Unauthorized()
    {
        _stub.Fail(403, ChatCompletionsStub.ErrorJson("PermissionDenied", "Principal does not have access."));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.Unauthorized, ex.Kind);
    }

    [Fact]
    public async Task CompleteAsync_404_NotFoundNamingDeploymentEndpointAndVariable()
    {
        _stub.Fail(404, ChatCompletionsStub.ErrorJson("DeploymentNotFound", "The API deployment for this resource does not exist."));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.NotFound, ex.Kind);
        Assert.Contains("deployment 'gpt-4o-review' not found at endpoint " + _stub.Endpoint, ex.Message, StringComparison.Ordinal);
        Assert.Contains("check AZURE_OPENAI_DEPLOYMENT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_EndpointRefusesConnections_OtherNamingEndpointVariable()
    {
        var endpoint = _stub.Endpoint;
        _stub.Dispose();

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model(endpoint: endpoint).CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.Other, ex.Kind);
        Assert.Contains("AZURE_OPENAI_ENDPOINT", ex.Message, StringComparison.Ordinal);
    }

    private ILanguageModel Model(string? apiVersion = null, TimeSpan? networkTimeout = null, string? endpoint = null) =>
        LanguageModelFactory.Create(new LlmSettings
        {
            Provider = LlmProvider.AzureOpenAI,
            Endpoint = new Uri(endpoint ?? _stub.Endpoint),
            Deployment = "gpt-4o-review",
            ApiKey = "test-key",
            ApiVersion = apiVersion,
            NetworkTimeout = networkTimeout ?? TimeSpan.FromSeconds(20),
        });
}

/// <summary>Keyless (Entra ID) authentication through the real client, with hand-written credentials.</summary>
public sealed class AzureOpenAiKeylessTests : IDisposable
{
    private readonly ChatCompletionsStub _stub = ChatCompletionsStub.StartAzure("gpt-4o-review");

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task CompleteAsync_NoKeyWithToken_SendsBearerToken()
    {
        _stub.Answer("ok");

        var completion = await Model(new FixedCredential()).CompleteAsync(new LlmRequest("s", "u", 10), CancellationToken.None);

        Assert.Equal("ok", completion.Text);
        var headers = _stub.Server.LogEntries.Single().RequestMessage!.Headers!;
        Assert.Equal("Bearer entra-token", headers["Authorization"].Single());
        Assert.False(headers.ContainsKey("api-key"));
    }

    [Fact]
    public async Task CompleteAsync_NoKeyAndNoIdentity_UnauthorizedNamingTheKeyVariable()
    {
        var ex = await Assert.ThrowsAsync<LlmException>(() => Model(new NoCredential()).CompleteAsync(new LlmRequest("s", "u", 10), CancellationToken.None));

        Assert.Equal(LlmFailureKind.Unauthorized, ex.Kind);
        Assert.Contains("set AZURE_OPENAI_API_KEY", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _stub.RequestCount);
    }

    private AzureOpenAiLanguageModel Model(Azure.Core.TokenCredential credential) => new(
        new LlmSettings { Provider = LlmProvider.AzureOpenAI, Endpoint = new Uri(_stub.Endpoint), Deployment = "gpt-4o-review" },
        httpClient: null,
        time: null,
        credential);

    private sealed class FixedCredential : Azure.Core.TokenCredential
    {
        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("entra-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class NoCredential : Azure.Core.TokenCredential
    {
        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token from the included credentials.");

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new Azure.Identity.CredentialUnavailableException("DefaultAzureCredential failed to retrieve a token from the included credentials.");
    }
}
