using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReviewBot.App.Options;

namespace ReviewBot.App.Auth;

/// <summary>
/// Installation access tokens (<c>POST /app/installations/{id}/access_tokens</c>), cached per installation
/// until five minutes before they expire (they live an hour), fetched once when many reviews ask at once;
/// and the App's own identity (<c>GET /app</c>), whose bot account <c>&lt;slug&gt;[bot]</c> writes the comments.
/// </summary>
internal sealed class InstallationTokens(HttpClient http, AppJwt jwt, AppSettings settings, TimeProvider time) : IDisposable
{
    /// <summary>A token this close to its expiry is replaced, so that a review never starts with one about to lapse.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<long, InstallationToken> _cache = new();
    private readonly SemaphoreSlim _fetch = new(1, 1);
    private string? _botLogin;

    public async Task<string> GetAsync(long installationId, CancellationToken cancellationToken)
    {
        if (TryFresh(installationId) is { } cached)
        {
            return cached;
        }

        await _fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (TryFresh(installationId) is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }

            var token = await FetchAsync(installationId, cancellationToken).ConfigureAwait(false);
            _cache[installationId] = token;
            return token.Token;
        }
        finally
        {
            _fetch.Release();
        }
    }

    /// <summary>
    /// The login the App's comments are authored by, <c>&lt;slug&gt;[bot]</c>, from <c>GET /app</c> (with the JWT) once
    /// per process. Null when GitHub did not tell (the publisher then learns it from the check run it creates).
    /// </summary>
    public async Task<string?> BotLoginAsync(CancellationToken cancellationToken)
    {
        if (_botLogin is { } known)
        {
            return known;
        }

        using var request = Request(HttpMethod.Get, "app");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                var app = await JsonSerializer.DeserializeAsync(stream, AuthJson.Default.AppInfo, cancellationToken).ConfigureAwait(false);
                return app?.Slug is { Length: > 0 } slug ? _botLogin = slug + "[bot]" : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>Drops a token GitHub refused (revoked, or the installation was reinstalled).</summary>
    public void Invalidate(long installationId) => _cache.TryRemove(installationId, out _);

    public void Dispose() => _fetch.Dispose();

    private string? TryFresh(long installationId) =>
        _cache.TryGetValue(installationId, out var token) && token.ExpiresAt - time.GetUtcNow() > RefreshMargin ? token.Token : null;

    private async Task<InstallationToken> FetchAsync(long installationId, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, $"app/installations/{installationId}/access_tokens");
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(
                $"GitHub refused an installation token for installation {installationId} (HTTP {(int)response.StatusCode}): {Clip(detail)}. "
                + "Check GITHUB_APP_ID, the private key, and that the App is still installed.",
                null,
                response.StatusCode);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var token = await JsonSerializer.DeserializeAsync(stream, AuthJson.Default.InstallationToken, cancellationToken).ConfigureAwait(false);
            if (token is null || string.IsNullOrEmpty(token.Token))
            {
                throw new HttpRequestException($"GitHub answered the installation token request for installation {installationId} without a token.");
            }

            return token;
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(settings.ApiUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt.Create());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("ReviewBot", "1.0"));
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        return request;
    }

    private static string Clip(string text) => text.Length > 300 ? text[..300] + "…" : text;
}

internal sealed record InstallationToken(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);

/// <summary>The part of <c>GET /app</c> ReviewBot reads.</summary>
internal sealed record AppInfo([property: JsonPropertyName("slug")] string? Slug);

[JsonSerializable(typeof(InstallationToken))]
[JsonSerializable(typeof(AppInfo))]
[JsonSerializable(typeof(AppJwt.Claims))]
internal sealed partial class AuthJson : JsonSerializerContext;
