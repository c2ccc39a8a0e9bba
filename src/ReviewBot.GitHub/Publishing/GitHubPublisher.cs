using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Octokit;
using ReviewBot.Core.Reports;
using ReviewBot.GitHub.Changes;

namespace ReviewBot.GitHub.Publishing;

/// <summary>
/// Publishes one run on one pull request: the <c>ReviewBot</c> check run on the head SHA (created
/// <c>in_progress</c>, updated with progress, completed with annotations in batches of 50) and the one
/// consolidated comment, upserted by its hidden marker. Never throws except on cancellation: what could
/// not be done is in <see cref="PublishOutcome.Problems"/>.
/// </summary>
public sealed class GitHubPublisher
{
    /// <summary>GitHub's limit for a check run's title, summary and text.</summary>
    public const int MaxOutputLength = 65_535;

    /// <summary>Annotations GitHub accepts per request.</summary>
    public const int AnnotationBatchSize = 50;

    private readonly GitHubApi _api;
    private readonly RepositoryId _repository;
    private readonly int _number;
    private readonly string _headSha;
    private readonly GitHubPublisherOptions _options;
    private readonly TimeProvider _time;
    private readonly List<string> _problems = [];
    private long? _checkRunId;
    private string? _checkRunUrl;
    private bool _checkForbidden;
    private TimeSpan _rateLimitWaited;
    private string? _identity;
    private DateTimeOffset _lastProgress;
    private string _title = "Reviewing";

    public GitHubPublisher(GitHubApi api, RepositoryId repository, int pullRequestNumber, string headSha, GitHubPublisherOptions? options = null)
    {
        _api = api;
        _repository = repository;
        _number = pullRequestNumber;
        _headSha = headSha;
        _options = options ?? new GitHubPublisherOptions();
        _time = api.Options.TimeProvider;
        _identity = _options.CommentAuthorLogin;
    }

    /// <summary>
    /// The login our comments are authored by, once known: <see cref="GitHubPublisherOptions.CommentAuthorLogin"/>,
    /// else <c>&lt;app-slug&gt;[bot]</c> of the App that owns the check run this token created, else
    /// <see cref="GitHubPublisherOptions.AssumedCommentAuthorLogin"/>. Null: unknown, so no existing comment is touched.
    /// </summary>
    public string? CommentAuthorLogin => _identity ?? _options.AssumedCommentAuthorLogin;

    /// <summary>The check run id once created.</summary>
    public long? CheckRunId => _checkRunId;

    /// <summary>Creates the check run <c>in_progress</c> on the head SHA. False when it could not (the reason is kept).</summary>
    public async Task<bool> StartCheckAsync(string title, string summary, CancellationToken cancellationToken)
    {
        _title = title;
        var now = _time.GetUtcNow();
        cancellationToken.ThrowIfCancellationRequested();

        // The create is not torn by the caller's cancellation: a run created but never known would stay
        // in_progress forever next to the "Not reviewed: cancelled" one. It is bounded by the request timeout.
        var callerToken = cancellationToken;
        cancellationToken = CancellationToken.None;
        try
        {
            // The body is written with System.Text.Json, not handed to Octokit's reflection serializer: this is the
            // Action's first request, and that serializer's first use (loading and running the expression compiler)
            // delayed it by about 25 ms (issue 16). The answer is read by Octokit as before.
            var body = new JsonObject
            {
                ["name"] = _options.CheckName,
                ["head_sha"] = _headSha,
                ["status"] = "in_progress",
                ["started_at"] = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["output"] = new JsonObject { ["title"] = Clip(title, 1000), ["summary"] = Clip(summary, MaxOutputLength) },
            };
            if (_options.DetailsUrl is { } detailsUrl)
            {
                body["details_url"] = detailsUrl;
            }

            var run = await WriteAsync(
                "creating the check run",
                async c => (await c.Connection.Post<CheckRun>(
                    ApiUrls.CheckRuns(_repository.Owner, _repository.Name), body.ToJsonString(), AcceptHeaders.StableVersionJson, "application/json").ConfigureAwait(false)).Body,
                cancellationToken).ConfigureAwait(false);
            _checkRunId = run.Id;
            _checkRunUrl = run.HtmlUrl;
            _lastProgress = now;
            LearnIdentity(run);
        }
        catch (Exception e) when (Failed(e, cancellationToken))
        {
            _checkForbidden = IsForbidden(e);
            _problems.Add($"The check run could not be created: {Describe(e)}.");
        }

        callerToken.ThrowIfCancellationRequested();
        return _checkRunId is not null;
    }

    /// <summary>Updates the running check's summary, at most once per <see cref="GitHubPublisherOptions.ProgressInterval"/>.</summary>
    public async Task<bool> ReportProgressAsync(string summary, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_checkRunId is not { } id || now - _lastProgress < _options.ProgressInterval)
        {
            return false;
        }

        _lastProgress = now;
        try
        {
            // Not waited out when rate limited: progress is a courtesy and must not hold the review up.
            await _api.CallAsync(
                c => c.Check.Run.Update(_repository.Owner, _repository.Name, id, new CheckRunUpdate
                {
                    Output = new NewCheckRunOutput(Clip(_title, 1000), Clip(summary, MaxOutputLength)),
                }),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (Failed(e, cancellationToken))
        {
            // Progress is a courtesy; the completion says what matters.
            return false;
        }
    }

    /// <summary>
    /// Completes the check run and upserts the comment. If the pull request's head moved during the run,
    /// the check run is still completed for its own SHA, but the comment is left to the newer run.
    /// </summary>
    public async Task<PublishOutcome> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var (moved, currentHead) = await HeadMovedAsync(cancellationToken).ConfigureAwait(false);
        var text = request.Text ?? "";
        if (moved)
        {
            text = $"> The pull request's head moved to {currentHead} during this run. This result is for {_headSha}; the comment was left to the newer run.\n\n" + text;
        }

        var check = await CompleteCheckAsync(request, text, cancellationToken).ConfigureAwait(false);

        var comment = (Action: moved ? CommentAction.SkippedHeadMoved : CommentAction.NotWritten, Id: (long?)null, Url: (string?)null, Deleted: 0);
        if (moved)
        {
            _problems.Add($"The head moved to {GitHubChangeSource.Short(currentHead!)} during the run; the comment was not updated with this older result.");
        }
        else if (request.CommentBody is not null)
        {
            comment = await UpsertCommentAsync(request.CommentBody, cancellationToken).ConfigureAwait(false);
        }

        return new PublishOutcome
        {
            CheckWritten = check.Written,
            CheckRunId = _checkRunId,
            CheckRunUrl = _checkRunUrl,
            AnnotationsWritten = check.Annotations,
            AnnotationsRejected = check.Rejected,
            Comment = comment.Action,
            CommentId = comment.Id,
            CommentUrl = comment.Url,
            DuplicatesDeleted = comment.Deleted,
            HeadMoved = moved,
            CurrentHeadSha = currentHead,
            Problems = _problems.ToList(),
        };
    }

    private async Task<(bool Moved, string? Head)> HeadMovedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pr = await _api.CallAsync(c => c.PullRequest.Get(_repository.Owner, _repository.Name, _number), cancellationToken).ConfigureAwait(false);
            var head = pr.Head?.Sha;
            return (head is not null && !string.Equals(head, _headSha, StringComparison.OrdinalIgnoreCase), head);
        }
        catch (Exception e) when (Failed(e, cancellationToken))
        {
            _problems.Add($"Could not re-read the pull request's head before publishing ({Describe(e)}); published as if it had not moved.");
            return (false, null);
        }
    }

    private async Task<(bool Written, int Annotations, int Rejected)> CompleteCheckAsync(PublishRequest request, string text, CancellationToken cancellationToken)
    {
        if (_checkForbidden)
        {
            _problems.Add("The check run was not written: the token cannot write checks (it needs 'checks: write'; pull requests from forks get a read-only token).");
            return (false, 0, 0);
        }

        var batches = request.Annotations.Chunk(AnnotationBatchSize).ToList();
        var rejected = new List<string>();
        var written = 0;
        var rejectedCount = 0;
        var first = batches.Count > 0 ? batches[0] : [];

        var completed = await TryCompleteAsync(request, text, first, cancellationToken).ConfigureAwait(false);
        if (completed is null && first.Length > 0 && LastStatus == HttpStatusCode.UnprocessableEntity)
        {
            // The annotations were refused (422); the conclusion must not be lost with them.
            rejected.Add(LastError ?? "rejected");
            rejectedCount += first.Length;
            completed = await TryCompleteAsync(request, text, [], cancellationToken).ConfigureAwait(false);
        }
        else if (completed is not null)
        {
            written += first.Length;
        }

        if (completed is null)
        {
            _problems.Add($"The check run could not be completed: {LastError}.");
            return (false, 0, 0);
        }

        foreach (var batch in batches.Skip(1))
        {
            try
            {
                await WriteAsync(
                    "adding check annotations",
                    c => c.Check.Run.Update(_repository.Owner, _repository.Name, _checkRunId!.Value, new CheckRunUpdate
                    {
                        Output = Output(request, text, batch),
                    }),
                    cancellationToken).ConfigureAwait(false);
                written += batch.Length;
            }
            catch (Exception e) when (Failed(e, cancellationToken))
            {
                rejected.Add(Describe(e));
                rejectedCount += batch.Length;
            }
        }

        if (rejectedCount > 0)
        {
            var note = $"\n\n> {rejectedCount} of {request.Annotations.Count} annotations could not be attached ({string.Join("; ", rejected.Distinct())}); every finding is listed above and in the job summary.";
            _problems.Add($"{rejectedCount} check annotations were rejected by GitHub: {string.Join("; ", rejected.Distinct())}.");
            try
            {
                await WriteAsync(
                    "updating the check run",
                    c => c.Check.Run.Update(_repository.Owner, _repository.Name, _checkRunId!.Value, new CheckRunUpdate
                    {
                        Output = Output(request, ClipNote(text, note), []),
                    }),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Failed(e, cancellationToken))
            {
                _problems.Add($"The note about rejected annotations could not be added to the check run: {Describe(e)}.");
            }
        }

        return (true, written, rejectedCount);
    }

    private string? LastError { get; set; }

    private HttpStatusCode? LastStatus { get; set; }

    /// <summary>
    /// Completes the run (or creates it completed when it was never created). Null on failure. Completing an
    /// existing run is idempotent (a PATCH of the same id), so a 5xx or a dropped answer is retried twice: a check
    /// left <c>in_progress</c> would hold the pull request pending with no result. Creating is never repeated.
    /// </summary>
    private async Task<CheckRun?> TryCompleteAsync(PublishRequest request, string text, CheckAnnotation[] annotations, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var existing = _checkRunId is not null;
            var run = await TryCompleteOnceAsync(request, text, annotations, cancellationToken).ConfigureAwait(false);
            if (run is not null || !existing || attempt >= 2 || LastStatus is { } status && (int)status < 500)
            {
                return run;
            }

            await Task.Delay(TimeSpan.FromSeconds(1 << attempt), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<CheckRun?> TryCompleteOnceAsync(PublishRequest request, string text, CheckAnnotation[] annotations, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var conclusion = request.Conclusion == Conclusion.Success ? CheckConclusion.Success : CheckConclusion.Failure;
        try
        {
            CheckRun run;
            if (_checkRunId is { } id)
            {
                run = await WriteAsync(
                    "completing the check run",
                    c => c.Check.Run.Update(_repository.Owner, _repository.Name, id, new CheckRunUpdate
                    {
                        Status = CheckStatus.Completed,
                        Conclusion = conclusion,
                        CompletedAt = now,
                        Output = Output(request, text, annotations),
                    }),
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                run = await WriteAsync(
                    "creating the check run",
                    c => c.Check.Run.Create(_repository.Owner, _repository.Name, new NewCheckRun(_options.CheckName, _headSha)
                    {
                        Status = CheckStatus.Completed,
                        Conclusion = conclusion,
                        CompletedAt = now,
                        DetailsUrl = _options.DetailsUrl,
                        Output = Output(request, text, annotations),
                    }),
                    cancellationToken).ConfigureAwait(false);
                _checkRunId = run.Id;
                _checkRunUrl = run.HtmlUrl;
            }

            LearnIdentity(run);
            return run;
        }
        catch (Exception e) when (Failed(e, cancellationToken))
        {
            LastError = Describe(e);
            LastStatus = (e as ApiException)?.StatusCode;
            if (IsForbidden(e))
            {
                _checkForbidden = true;
                LastError += " (the token needs 'checks: write')";
            }
            else if (RateLimitWait(e) is not null)
            {
                LastError += " (GitHub's rate limit; ReviewBot waited as long as this run allows)";
            }

            return null;
        }
    }

    private static NewCheckRunOutput Output(PublishRequest request, string text, CheckAnnotation[] annotations) =>
        new(Clip(request.Title, 1000), Clip(request.Summary, MaxOutputLength))
        {
            Text = text.Length == 0 ? null : Clip(text, MaxOutputLength),
            Annotations = annotations.Length == 0 ? null : annotations.Select(ToOctokit).ToList(),
        };

    private static NewCheckRunAnnotation ToOctokit(CheckAnnotation a) =>
        new(a.Path, a.StartLine, Math.Max(a.StartLine, a.EndLine), a.Level switch
        {
            AnnotationLevel.Failure => CheckAnnotationLevel.Failure,
            AnnotationLevel.Warning => CheckAnnotationLevel.Warning,
            _ => CheckAnnotationLevel.Notice,
        }, Clip(a.Message, 64_000))
        {
            Title = Clip(a.Title, 255),
        };

    private async Task<(CommentAction Action, long? Id, string? Url, int Deleted)> UpsertCommentAsync(string body, CancellationToken cancellationToken)
    {
        body = Clip(body, 65_536);
        Exception? last = null;

        // Writes are not retried blindly: after a failed write the marker lookup runs again, so a comment
        // that was created despite the error is edited rather than duplicated.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            IReadOnlyList<IssueComment> comments;
            try
            {
                comments = await _api.CallAsync(
                    c => c.Issue.Comment.GetAllForIssue(_repository.Owner, _repository.Name, _number, new ApiOptions { PageSize = 100 }),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Failed(e, cancellationToken))
            {
                _problems.Add($"The comment was not written: listing the pull request's comments failed: {Describe(e)}.");
                return (CommentAction.NotWritten, null, null, 0);
            }

            var ours = comments
                .Where(c => IsOurs(c, CommentAuthorLogin))
                .OrderBy(c => c.CreatedAt)
                .ThenBy(c => c.Id)
                .ToList();
            try
            {
                var deleted = 0;
                CommentAction action;
                IssueComment kept;
                if (ours.Count == 0)
                {
                    kept = await WriteAsync("creating the comment", c => c.Issue.Comment.Create(_repository.Owner, _repository.Name, _number, body), cancellationToken).ConfigureAwait(false);
                    action = CommentAction.Created;

                    // The author of what we just wrote is our identity for the rest of this run.
                    _identity ??= kept.User?.Login;
                }
                else
                {
                    kept = ours[0];
                    action = CommentAction.Unchanged;
                    if (!string.Equals(kept.Body, body, StringComparison.Ordinal))
                    {
                        kept = await WriteAsync("editing the comment", c => c.Issue.Comment.Update(_repository.Owner, _repository.Name, ours[0].Id, body), cancellationToken).ConfigureAwait(false);
                        action = CommentAction.Updated;
                    }

                    foreach (var duplicate in ours.Skip(1))
                    {
                        try
                        {
                            await WriteAsync("deleting a duplicate comment", async c =>
                            {
                                await c.Issue.Comment.Delete(_repository.Owner, _repository.Name, duplicate.Id).ConfigureAwait(false);
                                return true;
                            }, cancellationToken).ConfigureAwait(false);
                            deleted++;
                        }
                        catch (Exception e) when (Failed(e, cancellationToken))
                        {
                            _problems.Add($"A duplicate ReviewBot comment ({duplicate.Id}) could not be deleted: {Describe(e)}.");
                        }
                    }
                }

                return (action, kept.Id, kept.HtmlUrl, deleted);
            }
            catch (Exception e) when (Failed(e, cancellationToken))
            {
                last = e;
                if (RateLimitWait(e) is { } wait)
                {
                    // A secondary rate limit on a write: wait as asked (within the run's bound), then look the marker up again.
                    if (attempt > 0 || wait > _api.Options.MaxRetryDelay)
                    {
                        break;
                    }

                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (IsForbidden(e) || e is ApiException { StatusCode: HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity or HttpStatusCode.Unauthorized })
                {
                    break;
                }
            }
        }

        var hint = last is not null && IsForbidden(last) && RateLimitWait(last) is null ? " (the token needs 'pull-requests: write'; pull requests from forks get a read-only token)" : "";
        _problems.Add($"The comment was not written: {Describe(last!)}{hint}.");
        return (CommentAction.NotWritten, null, null, 0);
    }

    /// <summary>
    /// A comment is ours only when it starts with the marker and its author is our own identity: any other account, a bot quoting the marker
    /// (a title linter, another workflow's <c>github-actions[bot]</c> under another identity) included, is never
    /// edited or deleted. With no identity known, nothing existing is ours.
    /// </summary>
    /// <remarks>
    /// Our comment starts with the marker. A comment by the same account that merely quotes it further down (another
    /// workflow posting as <c>github-actions[bot]</c> that echoes the pull request's title) is not ours either.
    /// </remarks>
    internal static bool IsOurs(IssueComment comment, string? identity) =>
        comment.Body is { } body && body.StartsWith(CommentMarker.Value, StringComparison.Ordinal)
        && comment.User?.Login is { } login && identity is not null && string.Equals(login, identity, StringComparison.OrdinalIgnoreCase);

    /// <summary>Comments written with an App's token (GITHUB_TOKEN is the <c>github-actions</c> App's) are authored by <c>&lt;slug&gt;[bot]</c>.</summary>
    private void LearnIdentity(CheckRun run)
    {
        if (_identity is null && run.App?.Slug is { Length: > 0 } slug)
        {
            _identity = slug + "[bot]";
        }
    }

    /// <summary>
    /// One write to GitHub. A secondary rate limit (403/429 with <c>Retry-After</c> or a rate-limit message) means
    /// GitHub did not process the request, so it is waited out (within <see cref="GitHubOptions.MaxRetryDelay"/> per
    /// wait and <see cref="GitHubOptions.MaxTotalRetryDelay"/> for the whole publication) and sent again.
    /// </summary>
    private async Task<T> WriteAsync<T>(string what, Func<GitHubClient, Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _api.CallAsync(call, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (Failed(e, cancellationToken) && RateLimitWait(e) is { } wait && attempt <= _api.Options.MaxRetries
                && wait <= _api.Options.MaxRetryDelay && _rateLimitWaited + wait <= _api.Options.MaxTotalRetryDelay)
            {
                _api.Options.Log?.Invoke($"GitHub API: rate limited while {what} ({Describe(e)}); retry {attempt} of {_api.Options.MaxRetries} in {wait.TotalSeconds:0.#}s");
                _rateLimitWaited += wait;
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A 403 that is a missing permission, not a rate limit.</summary>
    private static bool IsForbidden(Exception e) => e is ApiException { StatusCode: HttpStatusCode.Forbidden } && RateLimitWait(e) is null;

    /// <summary>
    /// Any failure of a GitHub call except the caller's own cancellation: API errors, dropped connections, request
    /// timeouts, and answers that are empty or not JSON (Octokit then throws parse or null-reference errors).
    /// </summary>
    private static bool Failed(Exception e, CancellationToken cancellationToken) =>
        !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>The wait a rate-limited answer (403/429 with <c>Retry-After</c> or a rate-limit message) asks for; null otherwise.</summary>
    internal static TimeSpan? RateLimitWait(Exception e)
    {
        if (e is not ApiException { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests } api)
        {
            return null;
        }

        var retryAfter = api.HttpResponse?.Headers?.FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value;
        if (int.TryParse(retryAfter, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return api.StatusCode == HttpStatusCode.TooManyRequests || (api.ApiError?.Message ?? api.Message).Contains("rate limit", StringComparison.OrdinalIgnoreCase)
            ? TimeSpan.FromSeconds(60)
            : null;
    }

    internal static string Describe(Exception e) => e switch
    {
        ApiException api => $"{(int)api.StatusCode} {api.StatusCode}: {FirstLine(api.ApiError?.Message ?? api.Message)}",
        HttpRequestException => FirstLine(e.Message),
        OperationCanceledException => "GitHub did not answer in time",
        _ => $"GitHub sent an empty or unreadable answer ({e.GetType().Name}: {FirstLine(e.Message)})",
    };

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length <= 300 ? line : line[..297] + "...";
    }

    internal static string Clip(string text, int max)
    {
        const string Suffix = "\n\n… (clipped: the full report is in the job summary and the JSON report)";
        return text.Length <= max ? text : text[..(max - Suffix.Length)] + Suffix;
    }

    private static string ClipNote(string text, string note) =>
        text.Length + note.Length <= MaxOutputLength ? text + note : Clip(text, MaxOutputLength - note.Length) + note;
}
