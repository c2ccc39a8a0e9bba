using System.Text.Json;
using Octokit.Webhooks;
using Octokit.Webhooks.AspNetCore;
using ReviewBot.App.Auth;
using ReviewBot.App.Limits;
using ReviewBot.App.Operations;
using ReviewBot.App.Options;
using ReviewBot.App.Queue;
using ReviewBot.App.Reviewing;
using ReviewBot.App.Webhooks;
using ReviewBot.Orchestration.RateLimiting;

namespace ReviewBot.App;

/// <summary>
/// Composes the webhook server: settings, the signature gate, Octokit.Webhooks' endpoint, the queue and
/// its worker, App authentication and the reviewer; <c>/healthz</c> for load balancers.
/// </summary>
public static class ReviewBotApp
{
    /// <summary>
    /// Builds the server. <paramref name="environment"/> holds the settings (see <see cref="AppSettings"/>);
    /// <paramref name="configureServices"/> runs last, so a caller (a test) may replace the reviewer.
    /// Throws <see cref="AppSettingsException"/> when the settings are missing or invalid.
    /// </summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?> environment, Action<IServiceCollection>? configureServices = null)
    {
        var settings = AppSettings.FromEnvironment(environment);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(ReviewBotApp).Assembly.GetName().Name });

        builder.Logging.ClearProviders();
        if (settings.JsonLogs)
        {
            // Scopes carry the delivery id and pull request of every line a review logs.
            builder.Logging.AddJsonConsole(o =>
            {
                o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
                o.IncludeScopes = true;
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
            });
        }

        // A line per request is noise at webhook rates; ReviewBot logs each delivery's outcome itself.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // The host logs a start-up failure with its stack trace; Program prints it as one line instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.MaxRequestBodySize = AppSettings.MaxBodyBytes;

            // What Kestrel buffers per connection before it stops reading the socket (default 1 MB): connections
            // waiting for a body-reading slot hold at most this much each.
            o.Limits.MaxRequestBufferSize = 64 * 1024;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();
        services.AddMetrics();
        services.AddSingleton<ReviewMetrics>();
        services.AddSingleton<ReviewCancellations>();
        services.AddSingleton<IReviewStore>(sp => ReviewStores.Create(settings, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<WebhookEventProcessor, ReviewBotWebhookProcessor>();
        services.Configure<GitHubWebhookOptions>(o =>
        {
            o.Secret = settings.WebhookSecret;
            o.ExceptionHandler = HandleExceptionAsync;
        });

        services.AddSingleton<AppJwt>();
        services.AddHttpClient(nameof(InstallationTokens));
        services.AddSingleton<InstallationTokens>(sp => ActivatorUtilities.CreateInstance<InstallationTokens>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(InstallationTokens))));
        services.AddHttpClient(GitHubPullRequestReviewer.LlmHttpClient, c => c.Timeout = Timeout.InfiniteTimeSpan);
        // One engine-wide limiter set and one GitHub budget per installation for the whole process (§8); with
        // PostgreSQL their buckets are also shared by every replica on the database.
        services.AddSingleton(SharedRateBuckets.Create);
        services.AddSingleton(sp => new LlmRateLimiters(sp.GetRequiredService<TimeProvider>(), shared: sp.GetRequiredService<SharedRateBuckets>().Buckets));
        services.AddSingleton(sp =>
        {
            var budgets = new InstallationBudgets(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<SharedRateBuckets>().Buckets);
            sp.GetRequiredService<ReviewMetrics>().ObserveGitHub(() => budgets.Requests, () => budgets.Waits);
            return budgets;
        });
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<IPullRequestReviewer, GitHubPullRequestReviewer>();

        services.AddSingleton<ReviewWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ReviewWorker>());
        services.AddHostedService<QueueMonitor>();

        configureServices?.Invoke(services);

        var app = builder.Build();

        // Listening from the start: a counter's measurements before the exporter exists would be lost to it.
        app.Services.GetRequiredService<PrometheusExporter>();
        app.UseMiddleware<WebhookGate>();
        // Liveness: the process serves requests. Readiness: the queue store is reachable and its schema current.
        app.MapGet("/healthz", (ReviewMetrics metrics) => Results.Text($"ok; {metrics.Snapshot.Waiting} review(s) queued, {metrics.Snapshot.Running} running\n"));
        app.MapGet("/readyz", async (IReviewStore store, CancellationToken cancellationToken) =>
            await store.CheckReadyAsync(cancellationToken).ConfigureAwait(false) is { } problem
                ? Results.Text($"not ready: {problem}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ready\n"));
        // The metrics in the Prometheus text format (docs/app.md lists them); scrape it on the internal network.
        app.MapGet("/metrics", (PrometheusExporter exporter) => Results.Text(exporter.Render(), "text/plain; version=0.0.4; charset=utf-8"));
        app.MapGitHubWebhooks(settings.WebhookPath, settings.WebhookSecret);
        return app;
    }

    private static async ValueTask<bool> HandleExceptionAsync(Exception exception, HttpContext context)
    {
        var (status, reason) = exception switch
        {
            WebhookRejectedException rejected => (rejected.StatusCode, rejected.Message),
            JsonException json => (StatusCodes.Status400BadRequest,
                $"The payload is not valid JSON for the '{context.Request.Headers["X-GitHub-Event"]}' event, or the event is not one ReviewBot knows: {json.Message}"),
            _ => (0, ""),
        };
        if (status == 0 || context.Response.HasStarted)
        {
            return false;
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "30";
        }

        await WebhookGate.RefuseAsync(context, status, reason).ConfigureAwait(false);
        return true;
    }
}
