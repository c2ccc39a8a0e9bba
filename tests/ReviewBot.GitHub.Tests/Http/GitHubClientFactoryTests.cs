using ReviewBot.Core;
using ReviewBot.TestUtils.GitHub;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReviewBot.GitHub.Tests.Http;

public sealed class GitHubClientFactoryTests
{
    [Theory]
    [InlineData("")]
    [InlineData("/api/v3")]
    public async Task Create_ApiUrlAsGiven_RequestsGoExactlyBelowIt(string prefix)
    {
        using var fake = new FakeGitHub(prefix);
        using var api = TestApi.For(fake);

        var pr = await api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None);

        Assert.Equal(fake.HeadSha, pr.Head.Sha);
        Assert.StartsWith("http://127.0.0.1:", fake.ApiUrl, StringComparison.Ordinal);
        var request = Assert.Single(fake.Requests);
        Assert.Equal($"{prefix}/repos/Codertocat/Hello-World/pulls/2", request.Path);
        Assert.DoesNotContain("/api/v3/api/v3", request.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_Token_SentAsBearerWithUserAgent()
    {
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake, token: "ghs_secret");

        await api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("Bearer ghs_secret", request.Headers["Authorization"]);
        Assert.StartsWith("ReviewBot", request.Headers["User-Agent"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.github.com", "https://api.github.com/")]
    [InlineData("https://ghes.example.com/api/v3", "https://ghes.example.com/api/v3/")]
    [InlineData("https://ghes.example.com/api/v3/", "https://ghes.example.com/api/v3/")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("", "https://api.github.com/")]
    public void ParseApiUrl_Values_KeptAsGivenWithTrailingSlash(string value, string expected) =>
        Assert.Equal(expected, GitHubClientFactory.ParseApiUrl(value).ToString());

    [Theory]
    [InlineData("api.github.com")]
    [InlineData("ftp://example.com/")]
    public void ParseApiUrl_NotHttp_InvalidInput(string value) =>
        Assert.Throws<InvalidInputException>(() => GitHubClientFactory.ParseApiUrl(value));

    [Fact]
    public async Task CallAsync_AlreadyCancelled_ThrowsWithoutRequest()
    {
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), new CancellationToken(canceled: true)));

        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task CallAsync_CancelledWhileWaitingForGitHub_AbortsTheRequest()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        using var server = WireMockServer.Start(new WireMock.Settings.WireMockServerSettings { Urls = [url], StartAdminInterface = false });
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new CancellationTokenSource();
        server.Given(Request.Create().WithPath("/repos/o/r/pulls/1").UsingGet())
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                arrived.TrySetResult();
                await Task.Delay(Timeout.Infinite, release.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                return new WireMock.ResponseMessage { StatusCode = 500 };
            }));
        using var api = GitHubClientFactory.Create(new GitHubOptions { ApiUrl = new Uri(url), Token = "t" });
        using var cts = new CancellationTokenSource();

        var call = api.CallAsync(c => c.PullRequest.Get("o", "r", 1), cts.Token);
        await Task.WhenAny(arrived.Task, call).WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        await release.CancelAsync();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
