using System.Text.Json;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.Llm.Tests;

/// <summary>The real OpenAI client against a loopback WireMock server at <c>/v1/chat/completions</c>.</summary>
public sealed class OpenAiCompatibleLanguageModelTests : IDisposable
{
    private static readonly LlmRequest Request = new("system", "user", 300);
    private readonly ChatCompletionsStub _stub = ChatCompletionsStub.StartOpenAiCompatible("llama-3.1-70b");

    public void Dispose() => _stub.Dispose();

    [Fact]
    public async Task CompleteAsync_NormalAnswer_SendsModelAndBearerKeyAndReturnsUsage()
    {
        _stub.Answer("hello", promptTokens: 40, completionTokens: 3);

        var completion = await Model().CompleteAsync(Request, CancellationToken.None);

        Assert.Equal("hello", completion.Text);
        Assert.Equal(40, completion.PromptTokens);
        Assert.Equal(3, completion.CompletionTokens);
        using var body = JsonDocument.Parse(_stub.RequestBodies.Single());
        Assert.Equal("llama-3.1-70b", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("Bearer sk-test", _stub.Server.LogEntries.Single().RequestMessage!.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task CompleteAsync_500_ServerErrorAfterExactlyOneRequest()
    {
        _stub.Fail(502);

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.ServerError, ex.Kind);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_429_RateLimitedWithRetryAfterAfterOneRequest()
    {
        _stub.Fail(429, ChatCompletionsStub.ErrorJson("rate_limit_exceeded", "Rate limit reached"), new Dictionary<string, string> { ["retry-after-ms"] = "250" });

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.RateLimited, ex.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(250), ex.RetryAfter);
        Assert.Equal(1, _stub.RequestCount);
    }

    [Fact]
    public async Task CompleteAsync_401_UnauthorizedNamingOpenAiKey()
    {
        _stub.Fail(401, ChatCompletionsStub.ErrorJson("invalid_api_key", "Incorrect API key provided"));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.Unauthorized, ex.Kind);
        Assert.Contains("check OPENAI_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteAsync_404_NotFoundNamingModelVariable()
    {
        _stub.Fail(404, ChatCompletionsStub.ErrorJson("model_not_found", "The model does not exist"));

        var ex = await Assert.ThrowsAsync<LlmException>(() => Model().CompleteAsync(Request, CancellationToken.None));

        Assert.Equal(LlmFailureKind.NotFound, ex.Kind);
        Assert.Contains("model 'llama-3.1-70b' not found", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OPENAI_MODEL", ex.Message, StringComparison.Ordinal);
    }

    private ILanguageModel Model() => LanguageModelFactory.Create(new LlmSettings
    {
        Provider = LlmProvider.OpenAICompatible,
        Endpoint = new Uri(_stub.Endpoint),
        Deployment = "llama-3.1-70b",
        ApiKey = "sk-test",
    });
}
