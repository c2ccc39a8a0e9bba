namespace ReviewBot.GitHub.Http;

/// <summary>
/// Octokit's high-level clients take no <see cref="CancellationToken"/>; <see cref="GitHubApi.CallAsync{T}"/>
/// puts the caller's token here (it flows with the async call) and <see cref="AmbientCancellationHandler"/>
/// applies it to every HTTP request the call makes.
/// </summary>
internal static class AmbientCancellation
{
    private static readonly AsyncLocal<CancellationToken> Current = new();

    public static CancellationToken Token => Current.Value;

    public static Scope Use(CancellationToken token)
    {
        var previous = Current.Value;
        Current.Value = token;
        return new Scope(previous);
    }

    public readonly struct Scope(CancellationToken previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <summary>Links the ambient token of the current call into each request.</summary>
internal sealed class AmbientCancellationHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var ambient = AmbientCancellation.Token;
        if (!ambient.CanBeCanceled)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        ambient.ThrowIfCancellationRequested();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ambient);
        return await base.SendAsync(request, linked.Token).ConfigureAwait(false);
    }
}
