using Octokit;
using Octokit.Internal;
using ReviewBot.App.Options;

namespace ReviewBot.App.Auth;

/// <summary>
/// Octokit clients that act as one installation of the App, on <see cref="AppSettings.ApiUrl"/> as given
/// (github.com, GHES <c>/api/v3</c>, or a test server). All clients share one HTTP connection pool.
/// </summary>
internal sealed class InstallationClients(InstallationTokens tokens, AppSettings settings) : IDisposable
{
    private static readonly ProductHeaderValue Product = new("ReviewBot", "1.0");
    private readonly HttpClientAdapter _http = new(HttpMessageHandlerFactory.CreateDefault);

    public async Task<IGitHubClient> CreateAsync(long installationId, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(installationId, cancellationToken).ConfigureAwait(false);
        var credentials = new InMemoryCredentialStore(new Credentials(token));
        var connection = new Connection(Product, settings.ApiUrl, credentials, _http, new SimpleJsonSerializer());
        return new GitHubClient(connection);
    }

    public void Dispose() => _http.Dispose();
}
