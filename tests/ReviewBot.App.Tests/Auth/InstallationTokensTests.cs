using Microsoft.Extensions.Time.Testing;
using ReviewBot.App.Auth;
using ReviewBot.App.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace ReviewBot.App.Tests.Auth;

public sealed class InstallationTokensTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    private readonly WireMockServer _github = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly HttpClient _http = new();
    private int _issued;

    public InstallationTokensTests()
    {
        _github.Given(Request.Create().WithPath("/api/v3/app/installations/7/access_tokens").UsingPost().WithHeader("Authorization", "Bearer *"))
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                var n = Interlocked.Increment(ref _issued);
                return new WireMock.ResponseMessage
                {
                    StatusCode = 201,
                    BodyData = new WireMock.Util.BodyData
                    {
                        DetectedBodyType = WireMock.Types.BodyType.String,
                        BodyAsString = $$"""{"token":"ghs_token{{n}}","expires_at":"{{(Start.AddHours(1) + TimeSpan.FromHours(n - 1)):yyyy-MM-ddTHH:mm:ssZ}}"}""",
                    },
                };
            }));
        _github.Given(Request.Create().WithPath("/api/v3/app/installations/8/access_tokens").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"message":"Not Found"}"""));
    }

    [Fact]
    public async Task GetAsync_TwiceWithinTheHour_AsksGitHubOnce()
    {
        using var tokens = Create();

        var first = await tokens.GetAsync(7, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(54));
        var second = await tokens.GetAsync(7, CancellationToken.None);

        Assert.Equal(("ghs_token1", "ghs_token1"), (first, second));
        Assert.Equal(1, _issued);
    }

    [Fact]
    public async Task GetAsync_WithinFiveMinutesOfExpiry_FetchesANewToken()
    {
        using var tokens = Create();
        await tokens.GetAsync(7, CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(56));

        Assert.Equal("ghs_token2", await tokens.GetAsync(7, CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_ManyAtOnce_AsksGitHubOnce()
    {
        using var tokens = Create();

        var all = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => tokens.GetAsync(7, CancellationToken.None)));

        Assert.All(all, t => Assert.Equal("ghs_token1", t));
        Assert.Equal(1, _issued);
    }

    [Fact]
    public async Task GetAsync_GitHubRefuses_ThrowsNamingTheInstallationAndStatus()
    {
        using var tokens = Create();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => tokens.GetAsync(8, CancellationToken.None));

        Assert.Contains("installation 8", error.Message);
        Assert.Contains("404", error.Message);
    }

    public void Dispose()
    {
        _http.Dispose();
        _github.Dispose();
    }

    private InstallationTokens Create()
    {
        var settings = AppSettings.FromEnvironment(TestServer.Environment(_github.Url + "/api/v3"));
        return new InstallationTokens(_http, new AppJwt(settings, _time), settings, _time);
    }
}
