using System.Net;
using System.Reflection;
using Octokit;
using Octokit.Internal;
using ReviewBot.Core;
using ReviewBot.GitHub.Http;

namespace ReviewBot.GitHub;

/// <summary>
/// Builds the run's <see cref="GitHubApi"/>. The API URL is honoured exactly: Octokit's
/// <c>GitHubClient(ProductHeaderValue, Uri)</c> constructor appends <c>api/v3/</c> to any host other
/// than github.com, so the client is built over an explicit <see cref="Connection"/>, whose base
/// address is used as given (with a trailing slash, so relative endpoints keep the path).
/// </summary>
public static class GitHubClientFactory
{
    public static GitHubApi Create(GitHubOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var baseAddress = NormalizeApiUrl(options.ApiUrl);
        var log = new RequestLog();
        return new GitHubApi(
            () =>
            {
                var http = new HttpClientAdapter(() => CreateHandler(options, log));
                http.SetRequestTimeout(options.RequestTimeout);
                return http;
            },
            http => new GitHubClient(new Connection(
                new ProductHeaderValue("ReviewBot", Version()),
                baseAddress,
                new InMemoryCredentialStore(string.IsNullOrEmpty(options.Token) ? Credentials.Anonymous : new Credentials(options.Token, AuthenticationType.Bearer)),
                http,
                new SimpleJsonSerializer())),
            log,
            baseAddress,
            options);
    }

    private static string Version() =>
        typeof(GitHubClientFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0";

    /// <summary>
    /// <c>GITHUB_API_URL</c> as the base address: absolute http(s), a trailing slash added, nothing else changed.
    /// </summary>
    public static Uri NormalizeApiUrl(Uri apiUrl)
    {
        ArgumentNullException.ThrowIfNull(apiUrl);
        if (!apiUrl.IsAbsoluteUri || (apiUrl.Scheme != Uri.UriSchemeHttps && apiUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidInputException($"GITHUB_API_URL: '{apiUrl}' is not an absolute http(s) URL.");
        }

        var text = apiUrl.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/", UriKind.Absolute);
    }

    /// <summary>Parses <c>GITHUB_API_URL</c>; empty means github.com.</summary>
    public static Uri ParseApiUrl(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return GitHubOptions.PublicApiUrl;
        }

        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
            ? NormalizeApiUrl(uri)
            : throw new InvalidInputException($"GITHUB_API_URL: '{value}' is not an absolute http(s) URL.");
    }

    private static HttpMessageHandler CreateHandler(GitHubOptions options, RequestLog log) =>
        new AmbientCancellationHandler
        {
            InnerHandler = new GitHubResilienceHandler(options)
            {
                InnerHandler = new ResponseSizeLimitHandler(options.MaxArchiveBytes)
                {
                    InnerHandler = new RequestCountingHandler(log)
                    {
                        // Octokit follows redirects itself (and drops the token when the host changes).
                        InnerHandler = WithBudget(options, new SocketsHttpHandler
                        {
                            AllowAutoRedirect = false,
                            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                        }),
                    },
                },
            },
        };

    // Innermost, so that every attempt (retries included) takes its permit.
    private static HttpMessageHandler WithBudget(GitHubOptions options, HttpMessageHandler transport) =>
        options.RequestBudget is { } budget ? new GitHubBudgetHandler(budget) { InnerHandler = transport } : transport;
}
