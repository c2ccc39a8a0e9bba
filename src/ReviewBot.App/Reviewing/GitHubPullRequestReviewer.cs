using ReviewBot.App.Auth;
using ReviewBot.App.Limits;
using ReviewBot.App.Operations;
using ReviewBot.App.Options;
using ReviewBot.App.Queue;
using ReviewBot.App.Webhooks;
using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Reports;
using ReviewBot.GitHub;
using ReviewBot.GitHub.Changes;
using ReviewBot.GitHub.Publishing;
using ReviewBot.Llm;
using ReviewBot.Orchestration.RateLimiting;
using ReviewBot.Pipeline;
using ReviewBot.Reporting;

namespace ReviewBot.App.Reviewing;

/// <summary>
/// The review of one pull request as the App installation: the pull request and its config at the base
/// commit, the change set through the API, the pipeline, then the check run and the one comment. A review
/// that cannot be done (bad config, bad LLM settings, a failure, a shutdown) still completes the check run
/// as "Not reviewed: ..." so it never stays pending or passes.
/// </summary>
internal sealed partial class GitHubPullRequestReviewer(
    InstallationTokens tokens,
    AppSettings settings,
    TimeProvider time,
    IHttpClientFactory httpClients,
    LlmRateLimiters llmLimiters,
    InstallationBudgets githubBudgets,
    IReviewStore store,
    ReviewCancellations cancellations,
    ReviewMetrics metrics,
    ILogger<GitHubPullRequestReviewer> logger) : IPullRequestReviewer
{
    /// <summary>The repository's config file, read at the base commit.</summary>
    public const string ConfigPath = ".github/reviewbot.yml";

    /// <summary>The named HTTP client the LLM calls go through (its own timeouts apply).</summary>
    public const string LlmHttpClient = "llm";

    private static readonly TimeSpan GiveUpBudget = TimeSpan.FromSeconds(10);

    private async Task<string?> BotLoginAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.BotLoginAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            return null; // learned from the check run instead
        }
    }

    public async Task ReviewAsync(ReviewRequest request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAsync(request.InstallationId, cancellationToken).ConfigureAwait(false);
        string? failedRequest = null;
        using var api = GitHubClientFactory.Create(new GitHubOptions
        {
            ApiUrl = settings.ApiUrl,
            Token = token,
            TimeProvider = time,
            RequestBudget = githubBudgets.For(request.InstallationId),
            Log = line => LogGitHub(logger, request.Key, line),
            FailedRequest = line => Volatile.Write(ref failedRequest, line),
        });
        var repository = new RepositoryId(request.Owner, request.Repository);
        var source = new GitHubChangeSource(api);

        // The check is on the delivered head, so even a review that cannot read the pull request can say why.
        // Only the App's own bot account's marker comment is edited or deleted, never another bot's.
        var publisher = new GitHubPublisher(api, repository, request.Number, request.HeadSha, new GitHubPublisherOptions
        {
            CommentAuthorLogin = await BotLoginAsync(cancellationToken).ConfigureAwait(false),
        });
        var checkStarted = false;
        try
        {
            var pullRequest = await source.GetPullRequestAsync(repository, request.Number, cancellationToken).ConfigureAwait(false);
            if (!pullRequest.IsOpen)
            {
                LogSkipped(logger, request, "the pull request is closed");
                return;
            }

            if (!string.Equals(pullRequest.Info.HeadSha, request.HeadSha, StringComparison.OrdinalIgnoreCase))
            {
                LogSkipped(logger, request, $"its head moved to {pullRequest.Info.HeadSha}, whose push brings its own review");
                return;
            }

            var config = await source.ReadBaseConfigAsync(repository, pullRequest.Info.BaseSha, ConfigPath, workspace: null, cancellationToken).ConfigureAwait(false);
            if (pullRequest.Info.IsDraft && !config.ReviewDrafts)
            {
                LogSkipped(logger, request, "it is a draft (review_drafts is off); it is reviewed when marked ready");
                return;
            }

            if (request.Attempt > 1)
            {
                await CloseInterruptedChecksAsync(api, request, cancellationToken).ConfigureAwait(false);
            }

            checkStarted = true;
            await publisher.StartCheckAsync("Reviewing", $"ReviewBot is reviewing {request.HeadSha}.", cancellationToken).ConfigureAwait(false);
            var model = HasAppEndpoint(config.Llm.Provider)
                ? LanguageModelFactory.Create(config.Llm, settings.Environment, httpClients.CreateClient(LlmHttpClient), time)
                : null;
            var change = await source.AcquireAsync(pullRequest, config, workspace: null, cancellationToken).ConfigureAwait(false);
            var progress = new CheckProgress(publisher, cancellationToken, message =>
            {
                if (message.Contains("429", StringComparison.Ordinal))
                {
                    metrics.LlmRateLimited();
                }
            });
            var report = await new ReviewPipeline(time, model, llmLimiters).RunAsync(change, config, progress, cancellationToken).ConfigureAwait(false);
            await progress.DrainAsync().ConfigureAwait(false);
            metrics.LlmTokens(report.Agents.Sum(a => (long)a.PromptTokens), report.Agents.Sum(a => (long)a.CompletionTokens));

            var text = CheckRunRenderer.Text(report);
            if (config.Llm.Provider != LlmProvider.None && model is null)
            {
                text = "> The LLM pass did not run: the ReviewBot App has no endpoint for this repository's llm.provider (AZURE_OPENAI_ENDPOINT or OPENAI_BASE_URL). Deterministic rules ran as usual.\n\n" + text;
            }

            var outcome = await publisher.PublishAsync(
                new PublishRequest
                {
                    Conclusion = report.Conclusion,
                    Title = report.Title,
                    Summary = CheckRunRenderer.Summary(report),
                    Text = text,
                    CommentBody = report.Markdown,
                    Annotations = CheckAnnotations.From(report.Findings, change),
                },
                cancellationToken).ConfigureAwait(false);

            LogPublished(logger, request, report.Conclusion, report.Title, outcome.Comment, outcome.AnnotationsWritten);
            foreach (var problem in outcome.Problems)
            {
                LogPublishProblem(logger, request, problem);
            }
        }
        catch (InvalidInputException e)
        {
            // Bad config or LLM settings of this repository: the check says so, the service goes on.
            await NotReviewedAsync(publisher, request, "Not reviewed: invalid configuration", e.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            using var giveUp = new CancellationTokenSource(GiveUpBudget);
            var (reason, detail) = cancellations.Get(request.ReviewId);
            if (reason == CancelReason.Superseded && checkStarted)
            {
                // Never left in progress: the older head's check says why it has no review.
                await NotReviewedAsync(publisher, request, $"Superseded: {Short(detail)} is reviewed instead", $"A newer commit ({detail}) was pushed to this pull request while {request.HeadSha} was being reviewed; ReviewBot reviews the newest commit.", giveUp.Token).ConfigureAwait(false);
            }
            else if (reason == CancelReason.Shutdown && !store.IsDurable)
            {
                await NotReviewedAsync(publisher, request, "Not reviewed: ReviewBot stopped before finishing", "The ReviewBot App was shut down during this review. Re-run the check to review this commit.", giveUp.Token).ConfigureAwait(false);
            }

            // Otherwise another replica owns the review now (lease taken over, or handed back at shutdown): it publishes.
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Anything but our own shutdown, a GitHub request that timed out included, ends as "Not reviewed".
            if (e is Octokit.AuthorizationException)
            {
                // The installation token was revoked (e.g. the App was reinstalled): the next review fetches a new one.
                tokens.Invalidate(request.InstallationId);
            }

            // One line for the log, said once by the worker: what failed (the GitHub request and its answer, when
            // it was GitHub), and what happens next. The stack trace goes to debug level only.
            var cause = e is Octokit.ApiException or HttpRequestException or OperationCanceledException && Volatile.Read(ref failedRequest) is { } failed
                ? $"GitHub API: {failed}"
                : $"{e.GetType().Name}: {e.Message}";
            using var giveUp = new CancellationTokenSource(GiveUpBudget);
            if (request.IsLastAttempt)
            {
                var checkWritten = await NotReviewedAsync(publisher, request, $"Not reviewed: {Clip(e.Message)}", $"The review failed ({cause}){(request.MaxAttempts > 1 ? $" on each of its {request.MaxAttempts} attempts" : "")}. Re-run the check to try again.", giveUp.Token, log: false).ConfigureAwait(false);
                throw new ReviewFailedException(
                    $"{cause}; {(checkWritten ? "the check run says 'Not reviewed'" : "the check run could not be written either")}; re-run the check or push again to retry", e);
            }

            // Completed (never left in progress) but failing: the retry replaces it.
            await NotReviewedAsync(publisher, request, $"Not reviewed yet: attempt {request.Attempt} of {request.MaxAttempts} failed, retrying", $"The review failed ({cause}). ReviewBot retries it automatically.", giveUp.Token, log: false).ConfigureAwait(false);
            throw new ReviewFailedException($"{cause}; attempt {request.Attempt} of {request.MaxAttempts}, retrying", e);
        }
    }

    /// <summary>
    /// A retry or a takeover: an earlier attempt may have died (a killed replica) with its check in progress.
    /// Those checks are completed, so none is left pending next to this attempt's own.
    /// </summary>
    private async Task CloseInterruptedChecksAsync(GitHubApi api, ReviewRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var running = await api.CallAsync(
                c => c.Check.Run.GetAllForReference(request.Owner, request.Repository, request.HeadSha, new Octokit.CheckRunRequest { CheckName = ReviewBotWebhookProcessor.CheckName, Status = Octokit.CheckStatusFilter.InProgress }),
                cancellationToken).ConfigureAwait(false);
            foreach (var run in running.CheckRuns)
            {
                await api.CallAsync(
                    c => c.Check.Run.Update(request.Owner, request.Repository, run.Id, new Octokit.CheckRunUpdate
                    {
                        Status = Octokit.CheckStatus.Completed,
                        Conclusion = Octokit.CheckConclusion.Failure,
                        CompletedAt = time.GetUtcNow(),
                        Output = new Octokit.NewCheckRunOutput("Not reviewed: interrupted", $"This attempt was interrupted (a ReviewBot replica stopped or failed). Attempt {request.Attempt} of {request.MaxAttempts} reviews {request.HeadSha} again."),
                    }),
                    cancellationToken).ConfigureAwait(false);
                LogClosedInterrupted(logger, request, run.Id);
            }
        }
        catch (Exception e) when (e is Octokit.ApiException or HttpRequestException)
        {
            // Best effort: the new attempt's own check is what matters.
            LogPublishProblem(logger, request, $"could not close interrupted check runs: {e.Message}");
        }
    }

    private static string Short(string? sha) => sha is { Length: > 7 } ? sha[..7] : sha ?? "a newer commit";

    private static string Clip(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 120 ? line[..120] + "…" : line;
    }

    /// <summary>
    /// The App serves many repositories, so only an endpoint from its own environment is used: a repository's
    /// <c>llm.endpoint</c> alone must not receive the App's key or its Entra ID token.
    /// </summary>
    private bool HasAppEndpoint(LlmProvider provider)
    {
        var variable = provider switch
        {
            LlmProvider.AzureOpenAI => "AZURE_OPENAI_ENDPOINT",
            LlmProvider.OpenAICompatible => "OPENAI_BASE_URL",
            _ => null,
        };
        return variable is not null && settings.Environment.TryGetValue(variable, out var value) && !string.IsNullOrWhiteSpace(value);
    }

    private async Task<bool> NotReviewedAsync(GitHubPublisher publisher, ReviewRequest request, string title, string detail, CancellationToken cancellationToken, bool log = true)
    {
        var checkWritten = false;
        try
        {
            var outcome = await publisher.PublishAsync(
                new PublishRequest { Conclusion = Conclusion.Failure, Title = title, Summary = detail },
                cancellationToken).ConfigureAwait(false);
            checkWritten = outcome.CheckWritten;
        }
        catch (OperationCanceledException)
        {
        }

        if (log)
        {
            LogNotReviewed(logger, request, title, detail, checkWritten);
        }

        return checkWritten;
    }

    [LoggerMessage(40, LogLevel.Information, "Review skipped: {Request}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, ReviewRequest request, string reason);

    [LoggerMessage(41, LogLevel.Information, "Review published: {Request}: {Conclusion}, {Title}; comment {Comment}, {Annotations} annotation(s)")]
    private static partial void LogPublished(ILogger logger, ReviewRequest request, Conclusion conclusion, string title, CommentAction comment, int annotations);

    [LoggerMessage(42, LogLevel.Warning, "Publishing problem: {Request}: {Problem}")]
    private static partial void LogPublishProblem(ILogger logger, ReviewRequest request, string problem);

    [LoggerMessage(43, LogLevel.Warning, "Not reviewed: {Request}: {Title}: {Detail} (check run written: {CheckWritten})")]
    private static partial void LogNotReviewed(ILogger logger, ReviewRequest request, string title, string detail, bool checkWritten);

    [LoggerMessage(45, LogLevel.Information, "Interrupted check run {CheckRunId} completed: {Request}")]
    private static partial void LogClosedInterrupted(ILogger logger, ReviewRequest request, long checkRunId);

    [LoggerMessage(44, LogLevel.Information, "GitHub {PullRequest}: {Line}")]
    private static partial void LogGitHub(ILogger logger, PullRequestKey pullRequest, string line);
}
