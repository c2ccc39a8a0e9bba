using System.Diagnostics;
using System.Net;
using System.Text;
using ReviewBot.TestUtils;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.App.Tests;

/// <summary>
/// The App's container image copies the output of <c>action/publish-app.sh</c> and runs its apphost with
/// <c>ASPNETCORE_URLS</c>: that same output, published here once, must start, serve <c>/healthz</c>, answer a signed
/// ping and refuse a forged delivery.
/// </summary>
public sealed class PublishedAppTests
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _published;

    [Fact]
    public async Task PublishedApp_StartedAsTheImageStartsIt_ServesAndVerifiesSignatures()
    {
        var apphost = await PublishAsync();

        await using var app = AppProcess.Start(executable: apphost, urlsFromEnvironment: true);
        await app.WaitUntilHealthyAsync();
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var ping = Fixtures.Bytes("ping/payload.json");
        using var signed = await client.SendAsync(Delivery("ping", ping, TestServer.Sign(ping)));
        using var forged = await client.SendAsync(Delivery("ping", ping, TestServer.Sign(ping, "not the secret")));

        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal("pong", signed.Headers.GetValues("X-ReviewBot-Outcome").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public void DockerfileApp_CopiesThePublishScriptsOutputAndRunsItsApphost()
    {
        var dockerfile = File.ReadAllText(Path.Combine(WebhookFixtures.RepositoryRoot, "Dockerfile.app"));

        Assert.Contains("RUN bash action/publish-app.sh /app", dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /app /app", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/app/ReviewBot.App\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:", dockerfile, StringComparison.Ordinal);
        Assert.Contains("\nUSER app\n", dockerfile, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Delivery(string eventName, byte[] body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", signature);
        return request;
    }

    /// <summary>Runs <c>action/publish-app.sh</c> into a temp folder once per test run; returns the apphost.</summary>
    private static async Task<string> PublishAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_published is not null)
            {
                return _published;
            }

            var output = await RepositoryScripts.PublishAsync("action/publish-app.sh", "reviewbot-published-app", TimeSpan.FromMinutes(10));
            var apphost = Path.Combine(output, "ReviewBot.App");
            _published = File.Exists(apphost) ? apphost : throw new FileNotFoundException("The published App has no apphost.", apphost);
            return _published;
        }
        finally
        {
            Gate.Release();
        }
    }
}
