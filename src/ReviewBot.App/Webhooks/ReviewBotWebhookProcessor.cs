using Octokit.Webhooks;
using Octokit.Webhooks.Events;
using Octokit.Webhooks.Events.CheckRun;
using Octokit.Webhooks.Events.CheckSuite;
using Octokit.Webhooks.Events.PullRequest;
using Octokit.Webhooks.Models;
using Octokit.Webhooks.Models.CheckRunEvent;
using ReviewBot.App.Operations;
using ReviewBot.App.Options;
using ReviewBot.App.Queue;

namespace ReviewBot.App.Webhooks;

/// <summary>
/// Turns verified deliveries into queued reviews: the delivery and its reviews are committed to the
/// <see cref="IReviewStore"/> before the App answers (one round trip with PostgreSQL, none in memory). The store
/// drops redeliveries (by <c>X-GitHub-Delivery</c>, unless the review failed) and replays (the same pull request,
/// head and action under a new id); events sent by bots (ReviewBot's own check runs included) are ignored. What
/// became of each delivery is answered in the <c>X-ReviewBot-Outcome</c> header and logged.
/// </summary>
internal sealed partial class ReviewBotWebhookProcessor(
    IReviewStore store,
    ReviewMetrics metrics,
    AppSettings settings,
    IHttpContextAccessor http,
    ILogger<ReviewBotWebhookProcessor> logger) : WebhookEventProcessor
{
    /// <summary>The response header that says what became of a delivery.</summary>
    public const string OutcomeHeader = "X-ReviewBot-Outcome";

    /// <summary>The <see cref="HttpContext.Items"/> key that marks a delivery whose review was queued (answered 202).</summary>
    internal const string QueuedItem = "reviewbot.queued";

    /// <summary>The name of ReviewBot's check run; a rerequest of it reruns the review.</summary>
    public const string CheckName = "ReviewBot";

    public override async ValueTask ProcessWebhookAsync(WebhookHeaders headers, WebhookEvent webhookEvent, CancellationToken cancellationToken = default)
    {
        var delivery = headers.Delivery ?? throw new WebhookRejectedException(StatusCodes.Status400BadRequest, "X-GitHub-Delivery is missing.");

        // A signed body of JSON 'null' deserializes to no event at all.
        _ = webhookEvent ?? throw new WebhookRejectedException(StatusCodes.Status400BadRequest, "The payload is JSON null: expected the event object.");
        if (webhookEvent.Sender is { } sender && sender.Type?.Value == UserType.Bot)
        {
            Answer(delivery, $"ignored: sent by the bot {sender.Login}");
            return;
        }

        Answer(delivery, $"ignored: {headers.Event}{(webhookEvent.Action is { } action ? "." + action : "")} does not start a review");
        var requests = new List<ReviewRequest>();
        Pending.Value = requests;
        try
        {
            await base.ProcessWebhookAsync(headers, webhookEvent, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Pending.Value = null;
        }

        if (requests.Count == 0)
        {
            metrics.Delivery("ignored");
            return;
        }

        // Committed before the answer: once GitHub hears 2xx, the review is not lost.
        IReadOnlyList<AcceptResult> results;
        try
        {
            results = await store.AcceptAsync(delivery, requests, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not WebhookRejectedException)
        {
            // The database is down (failover): nothing was recorded, so GitHub's redelivery is taken later.
            LogStoreUnavailable(logger, e, delivery);
            throw new WebhookRejectedException(StatusCodes.Status503ServiceUnavailable, "The review queue is unavailable; redeliver this delivery later.");
        }

        foreach (var result in results)
        {
            Report(result);
        }

        // 202 Accepted (set by WebhookGate once the endpoint has answered): a review was queued for later work (queued,
        // coalesced, requeued). A delivery that queued nothing (a duplicate, a replay, an ignored event, a ping) was
        // fully handled, and stays 200.
        if (results.Any(r => r.Outcome is AcceptOutcome.Queued or AcceptOutcome.Coalesced or AcceptOutcome.Requeued)
            && http.HttpContext is { } context)
        {
            context.Items[QueuedItem] = true;
        }
    }

    protected override ValueTask ProcessPingWebhookAsync(WebhookHeaders headers, PingEvent pingEvent, CancellationToken cancellationToken = default)
    {
        Answer(headers.Delivery!, "pong");
        return ValueTask.CompletedTask;
    }

    protected override ValueTask ProcessPullRequestWebhookAsync(WebhookHeaders headers, PullRequestEvent pullRequestEvent, PullRequestAction action, CancellationToken cancellationToken = default)
    {
        if (action != PullRequestAction.Opened && action != PullRequestAction.Synchronize
            && action != PullRequestAction.Reopened && action != PullRequestAction.ReadyForReview)
        {
            return ValueTask.CompletedTask;
        }

        var pr = pullRequestEvent.PullRequest ?? throw Malformed("pull_request");
        var head = pr.Head?.Sha ?? throw Malformed("pull_request.head.sha");
        Enqueue(NewRequest(headers, pullRequestEvent, (int)pr.Number, head, $"pull_request.{pullRequestEvent.Action}"));
        return ValueTask.CompletedTask;
    }

    protected override ValueTask ProcessCheckRunWebhookAsync(WebhookHeaders headers, CheckRunEvent checkRunEvent, CheckRunAction action, CancellationToken cancellationToken = default)
    {
        if (action != CheckRunAction.Rerequested)
        {
            return ValueTask.CompletedTask;
        }

        var run = checkRunEvent.CheckRun ?? throw Malformed("check_run");
        if (!string.Equals(run.Name, CheckName, StringComparison.Ordinal) || (run.App is { } app && app.Id != settings.AppId))
        {
            Answer(headers.Delivery!, $"ignored: check run '{run.Name}' is not ReviewBot's");
            return ValueTask.CompletedTask;
        }

        Rerun(headers, checkRunEvent, run.HeadSha ?? throw Malformed("check_run.head_sha"), run.PullRequests, "check_run.rerequested");
        return ValueTask.CompletedTask;
    }

    protected override ValueTask ProcessCheckSuiteWebhookAsync(WebhookHeaders headers, CheckSuiteEvent checkSuiteEvent, CheckSuiteAction action, CancellationToken cancellationToken = default)
    {
        // "Re-run all checks" on ReviewBot's suite.
        if (action != CheckSuiteAction.Rerequested)
        {
            return ValueTask.CompletedTask;
        }

        var suite = checkSuiteEvent.CheckSuite ?? throw Malformed("check_suite");
        if (suite.App?.Id != settings.AppId)
        {
            Answer(headers.Delivery!, "ignored: the check suite is not ReviewBot's");
            return ValueTask.CompletedTask;
        }

        Rerun(headers, checkSuiteEvent, suite.HeadSha ?? throw Malformed("check_suite.head_sha"), suite.PullRequests, "check_suite.rerequested");
        return ValueTask.CompletedTask;
    }

    private void Rerun(WebhookHeaders headers, WebhookEvent webhookEvent, string headSha, IReadOnlyList<CheckRunPullRequest>? pullRequests, string trigger)
    {
        if (pullRequests is not { Count: > 0 })
        {
            // GitHub lists no pull request for checks on fork heads; the PR's next push reviews it.
            Answer(headers.Delivery!, "ignored: the check names no pull request of this repository");
            LogNoPullRequest(logger, headers.Delivery!, headSha);
            return;
        }

        foreach (var pr in pullRequests)
        {
            Enqueue(NewRequest(headers, webhookEvent, (int)pr.Number, headSha, trigger));
        }
    }

    private static ReviewRequest NewRequest(WebhookHeaders headers, WebhookEvent webhookEvent, int number, string headSha, string trigger)
    {
        var installation = webhookEvent.Installation?.Id
            ?? throw new WebhookRejectedException(StatusCodes.Status422UnprocessableEntity, "The payload names no App installation: configure this webhook on the GitHub App, not on the repository.");
        var repository = webhookEvent.Repository ?? throw Malformed("repository");
        var owner = repository.Owner?.Login ?? throw Malformed("repository.owner.login");
        return new ReviewRequest(installation, owner, repository.Name ?? throw Malformed("repository.name"), number, headSha, headers.Delivery!, trigger);
    }

    // The requests of the delivery being processed. The processor is a singleton, but each delivery runs on its
    // own async flow, and ProcessWebhookAsync sets this before the typed handlers run and clears it after.
    private static readonly AsyncLocal<List<ReviewRequest>?> Pending = new();

    private static void Enqueue(ReviewRequest request) =>
        (Pending.Value ?? throw new InvalidOperationException("A review was requested outside a delivery.")).Add(request);

    private void Report(AcceptResult result)
    {
        var request = result.Request;
        metrics.Delivery(result.Outcome.ToString().ToLowerInvariant());
        switch (result.Outcome)
        {
            case AcceptOutcome.Queued:
                Answer(request.DeliveryId, $"queued: review of {request.Key} at {request.HeadSha}");
                LogQueued(logger, request);
                break;
            case AcceptOutcome.Coalesced:
                Answer(request.DeliveryId, $"coalesced: review of {request.Key} at {request.HeadSha} replaces the waiting one at {result.Detail}");
                LogCoalesced(logger, request, result.Detail ?? "?");
                break;
            case AcceptOutcome.Requeued:
                Answer(request.DeliveryId, $"requeued: the earlier review of this delivery failed; review of {request.Key} at {request.HeadSha} queued again");
                LogQueued(logger, request);
                break;
            case AcceptOutcome.Duplicate:
                Answer(request.DeliveryId, "duplicate: this delivery was already received");
                break;
            case AcceptOutcome.Replay:
                Answer(request.DeliveryId, $"duplicate: replay: {result.Detail}");
                LogReplay(logger, request, result.Detail ?? "");
                break;
            case AcceptOutcome.Full:
                throw new WebhookRejectedException(StatusCodes.Status503ServiceUnavailable, $"The review queue is full ({settings.QueueCapacity} pull requests waiting); redeliver this delivery later.");
            default:
                throw new WebhookRejectedException(StatusCodes.Status503ServiceUnavailable, "ReviewBot is shutting down; redeliver this delivery later.");
        }
    }

    private void Answer(string delivery, string outcome)
    {
        if (http.HttpContext is { Response.HasStarted: false } context)
        {
            // Header values must be ASCII; names in payloads (check runs, logins) need not be.
            context.Response.Headers[OutcomeHeader] = string.Create(outcome.Length, outcome, static (span, text) =>
            {
                for (var i = 0; i < text.Length; i++)
                {
                    span[i] = text[i] is >= ' ' and <= '~' ? text[i] : '?';
                }
            });
        }

        LogOutcome(logger, delivery, outcome);
    }

    private static WebhookRejectedException Malformed(string field) =>
        new(StatusCodes.Status400BadRequest, $"The payload has no '{field}'.");

    [LoggerMessage(30, LogLevel.Debug, "Delivery {Delivery}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string delivery, string outcome);

    [LoggerMessage(31, LogLevel.Information, "Review queued: {Request}")]
    private static partial void LogQueued(ILogger logger, ReviewRequest request);

    [LoggerMessage(32, LogLevel.Information, "Review coalesced: {Request} replaces the waiting review at {SupersededSha}")]
    private static partial void LogCoalesced(ILogger logger, ReviewRequest request, string supersededSha);

    [LoggerMessage(35, LogLevel.Error, "Delivery {Delivery} not accepted: the review queue store failed")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string delivery);

    [LoggerMessage(34, LogLevel.Warning, "Replay dropped: {Request}: {Detail}")]
    private static partial void LogReplay(ILogger logger, ReviewRequest request, string detail);

    [LoggerMessage(33, LogLevel.Information, "Rerun requested on {HeadSha} without a pull request (delivery {Delivery}); nothing to review")]
    private static partial void LogNoPullRequest(ILogger logger, string delivery, string? headSha);
}
