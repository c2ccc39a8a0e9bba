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
    private readonly Task<GitHubClient> _client;
    private HttpClientAdapter? _http;

    internal GitHubApi(Func<HttpClientAdapter> http, Func<HttpClientAdapter, GitHubClient> client, RequestLog requests, Uri baseAddress, GitHubOptions options)
    {
        Requests = requests;
        BaseAddress = baseAddress;
        Options = options;

        // Octokit's client (a hundred sub-clients) and the HTTP handler chain take about 20 ms to build on a cold
        // start: built on another thread while the caller reads its event and config; the first call waits for it.
        _client = Task.Run(() =>
        {
            _http = http();
            return client(_http);
        });
    }

    /// <summary>Every request sent so far (retries included).</summary>
    public RequestLog Requests { get; }

    /// <summary>The API root requests are made against (always ends with '/').</summary>
    public Uri BaseAddress { get; }

    public GitHubOptions Options { get; }

    /// <summary>Runs one Octokit call with <paramref name="cancellationToken"/> applied to its HTTP requests.</summary>
    public async Task<T> CallAsync<T>(Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var client = await _client.ConfigureAwait(false);
        using (AmbientCancellation.Use(cancellationToken))
        {
            try
            {
                return await call(client).ConfigureAwait(false);
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

    /// <summary>Releases the HTTP client, once it is built if it is still being built.</summary>
    public void Dispose() =>
        _client.ContinueWith(_ => _http?.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
