using Octokit;
using Octokit.Internal;
using ReviewBot.GitHub.Http;

namespace ReviewBot.GitHub;

/// <summary>
/// One Octokit client over one HTTP client for the whole run, with resilience, request counting and
/// cancellation. Make calls through <see cref="CallAsync{T}"/> so the caller's token reaches the wire.
/// </summary>
public sealed class GitHubApi : IDisposable
{
    private readonly HttpClientAdapter _http;

    internal GitHubApi(GitHubClient client, HttpClientAdapter http, RequestLog requests, Uri baseAddress, GitHubOptions options)
    {
        Client = client;
        _http = http;
        Requests = requests;
        BaseAddress = baseAddress;
        Options = options;
    }

    public GitHubClient Client { get; }

    /// <summary>Every request sent so far (retries included).</summary>
    public RequestLog Requests { get; }

    /// <summary>The API root requests are made against (always ends with '/').</summary>
    public Uri BaseAddress { get; }

    public GitHubOptions Options { get; }

    /// <summary>Runs one Octokit call with <paramref name="cancellationToken"/> applied to its HTTP requests.</summary>
    public async Task<T> CallAsync<T>(Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using (AmbientCancellation.Use(cancellationToken))
        {
            try
            {
                return await call(Client).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
        }
    }

    /// <inheritdoc cref="CallAsync{T}"/>
    public Task CallAsync(Func<GitHubClient, Task> call, CancellationToken cancellationToken) =>
        CallAsync(
            async c =>
            {
                await call(c).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    public void Dispose() => _http.Dispose();
}
