using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReviewBot.Cli.Output;
using ReviewBot.Core;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.GitHub;
using ReviewBot.GitHub.Changes;
using ReviewBot.GitHub.Publishing;
using ReviewBot.Llm;
using ReviewBot.Pipeline;
using ReviewBot.Reporting;

namespace ReviewBot.Cli.Action;

/// <summary>
/// One run of <c>reviewbot action</c>: resolve the pull request from the event, read the config from the
/// base commit, create the check, acquire the change, run the pipeline, publish (comment, check run,
/// annotations), then the job summary, outputs and exit code. When the token cannot write the comment or
/// the check (fork pull requests), the job summary, workflow annotations and the exit code carry the result.
/// </summary>
internal sealed class ActionRun(IReadOnlyDictionary<string, string?> environment, TextWriter stdout, TextWriter stderr, TimeProvider time)
{
    /// <summary>Findings reported as workflow annotations when the check run cannot carry them.</summary>
    internal const int MaxWorkflowAnnotations = 50;

    /// <summary>Where the JSON report is written, relative to the workspace.</summary>
    internal const string ReportPath = ".reviewbot/report.json";

    /// <summary>The account GITHUB_TOKEN's comments are authored by.</summary>
    internal const string GitHubActionsLogin = "github-actions[bot]";

    private readonly WorkflowCommands _commands = new(stdout);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // Mask first: nothing below may print the token, but a stack trace or a proxy error might.
        foreach (var name in ActionSettings.SecretVariables)
        {
            if (environment.TryGetValue(name, out var secret) && !string.IsNullOrWhiteSpace(secret))
            {
                _commands.Mask(secret.Trim());
            }
        }

        var settings = ActionSettings.Read(environment);
        TrustWorkspaceOwnership();
        try
        {
            return await RunCoreAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Octokit.ApiException or HttpRequestException)
        {
            // Before a check run exists (resolving the pull request, reading the config): say so and fail.
            var message = e is Octokit.ApiException api ? $"GitHub API: {(int)api.StatusCode} {api.Message}" : e.Message;
            _commands.Annotation("error", $"ReviewBot could not start the review: {message}", title: "ReviewBot: not reviewed");
            WorkflowCommands.AppendSummary(settings.StepSummary, $"## ReviewBot: not reviewed\n\n{message}\n");
            WorkflowCommands.AppendOutput(settings.OutputFile, "conclusion", "failure");
            return ExitCodes.Failed;
        }
    }

    private async Task<int> RunCoreAsync(ActionSettings settings, CancellationToken cancellationToken)
    {
        using var api = GitHubClientFactory.Create(new GitHubOptions
        {
            ApiUrl = settings.ApiUrl,
            Token = settings.Token,
            TimeProvider = time,
            Log = line => stderr.WriteLine($"reviewbot: {line}"),
        });
        var source = new GitHubChangeSource(api);
        var workspace = settings.Workspace is { } w && Directory.Exists(w) ? w : null;

        var pr = await ResolvePullRequestAsync(settings, source, cancellationToken).ConfigureAwait(false);
        if (!pr.IsOpen)
        {
            return Skip(settings, $"pull request #{pr.Info.Number} is closed; nothing to review.");
        }

        var publisher = new GitHubPublisher(api, settings.Repository, pr.Info.Number, pr.Info.HeadSha, new GitHubPublisherOptions
        {
            DetailsUrl = settings.RunUrl,
            CommentAuthorLogin = await CommentAuthorAsync(api, settings.Token, cancellationToken).ConfigureAwait(false),

            // GITHUB_TOKEN writes as the github-actions App; the check run we create confirms (or corrects) it.
            AssumedCommentAuthorLogin = IsPersonalToken(settings.Token) ? null : GitHubActionsLogin,
        });

        ReviewConfig config;
        try
        {
            config = settings.Apply(await source.ReadBaseConfigAsync(settings.Repository, pr.Info.BaseSha, settings.ConfigPath, workspace, cancellationToken).ConfigureAwait(false));
        }
        catch (InvalidInputException e)
        {
            await NotReviewedAsync(publisher, settings, "invalid config", e.Message).ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The base config could not be read (GitHub down, a dropped answer): never review without it, never pass.
            return await ErrorAsync(publisher, settings, e).ConfigureAwait(false);
        }

        if (pr.Info.IsDraft && !config.ReviewDrafts)
        {
            return Skip(settings, $"pull request #{pr.Info.Number} is a draft; it is reviewed when marked ready (set review_drafts: true to review drafts).");
        }

        stderr.WriteLine($"reviewbot: reviewing {settings.Repository}#{pr.Info.Number} at {Short(pr.Info.HeadSha)} (base {Short(pr.Info.BaseSha)})");
        try
        {
            // Inside the try: a cancellation while the check is being created still completes it as "Not reviewed".
            await publisher.StartCheckAsync("Reviewing", $"Reviewing {pr.Info.HeadSha}.", cancellationToken).ConfigureAwait(false);
            return await ReviewAsync(settings, source, publisher, pr, config, workspace, api, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await NotReviewedAsync(publisher, settings, "cancelled", "The run was cancelled (a newer run of this pull request, or the workflow was cancelled).").ConfigureAwait(false);
            throw;
        }
        catch (InvalidInputException e)
        {
            await NotReviewedAsync(publisher, settings, "bad input", e.Message).ConfigureAwait(false);
            throw;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Anything but our own cancellation, a request that timed out included, ends as "Not reviewed".
            return await ErrorAsync(publisher, settings, e).ConfigureAwait(false);
        }
    }

    private async Task<int> ErrorAsync(GitHubPublisher publisher, ActionSettings settings, Exception e)
    {
        var message = e switch
        {
            Octokit.ApiException api => $"GitHub API: {(int)api.StatusCode} {api.Message}",
            OperationCanceledException => "GitHub API: a request did not answer in time",
            _ => e.Message,
        };
        _commands.Annotation("error", $"ReviewBot could not complete the review: {message}", title: "ReviewBot: not reviewed");
        await NotReviewedAsync(publisher, settings, "error", message).ConfigureAwait(false);
        WorkflowCommands.AppendOutput(settings.OutputFile, "conclusion", "failure");
        return ExitCodes.Failed;
    }

    private async Task<int> ReviewAsync(
        ActionSettings settings, GitHubChangeSource source, GitHubPublisher publisher, GitHubPullRequest pr, ReviewConfig config, string? workspace, GitHubApi api, CancellationToken cancellationToken)
    {
        var change = await source.AcquireAsync(pr, config, workspace, cancellationToken).ConfigureAwait(false);
        stderr.WriteLine($"reviewbot: {change.Files.Count} file(s) to review, {change.Skipped.Count} skipped; contents from the {source.ContentSource}");

        var model = LanguageModelFactory.Create(config.Llm, environment);
        var notes = new List<string>();
        if (config.Llm.Provider != LlmProvider.None && model is null)
        {
            notes.Add(config.Llm.CanBlock
                ? $"The LLM pass did not run: {LanguageModelFactory.MissingSettings(config.Llm, environment) ?? "no LLM settings reached this run"} (pull requests from forks get no secrets). llm.can_block is on, so the review is not complete without it; set the missing inputs, or llm.can_block: false to let the deterministic rules decide alone."
                : "The LLM pass did not run: no LLM settings reached this run (pull requests from forks get no secrets). Deterministic rules ran as usual.");
        }

        var observer = new ActionObserver(stderr, _commands, publisher, cancellationToken);
        var pipeline = new ReviewPipeline(time, model) { LlmUnavailable = model is null ? LanguageModelFactory.MissingSettings(config.Llm, environment) : null };
        var report = await pipeline.RunAsync(change, config, observer, cancellationToken).ConfigureAwait(false);
        await observer.DrainAsync().ConfigureAwait(false);

        var text = CheckRunRenderer.Text(report);
        if (notes.Count > 0)
        {
            text = string.Concat(notes.Select(n => $"> {n}\n")) + "\n" + text;
        }

        var outcome = await publisher.PublishAsync(new PublishRequest
        {
            Conclusion = report.Conclusion,
            Title = report.Title,
            Summary = CheckRunRenderer.Summary(report),
            Text = text,
            CommentBody = report.Markdown,
            Annotations = CheckAnnotations.From(report.Findings, change),
        }, cancellationToken).ConfigureAwait(false);

        foreach (var problem in outcome.Problems.Concat(notes))
        {
            _commands.Annotation("warning", problem, title: "ReviewBot");
        }

        if (!outcome.CheckWritten)
        {
            AnnotateFindings(report);
        }

        var root = workspace ?? Directory.GetCurrentDirectory();
        var reportPath = await WriteOutputAsync(root, ReportPath, ReportJson.Serialize(report), cancellationToken).ConfigureAwait(false);
        string? sarif = null;
        if (settings.SarifPath is { } sarifPath)
        {
            sarif = await WriteOutputAsync(root, sarifPath, SarifWriter.Write(report), cancellationToken).ConfigureAwait(false);
        }

        WorkflowCommands.AppendSummary(settings.StepSummary, Summary(report, outcome, notes, pr));
        var blocking = report.Findings.Count(report.IsBlocking);
        WorkflowCommands.AppendOutput(settings.OutputFile, "conclusion", report.Conclusion == Conclusion.Success ? "success" : "failure");
        WorkflowCommands.AppendOutput(settings.OutputFile, "findings", report.Findings.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WorkflowCommands.AppendOutput(settings.OutputFile, "blocking", blocking.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WorkflowCommands.AppendOutput(settings.OutputFile, "report", reportPath);
        WorkflowCommands.AppendOutput(settings.OutputFile, "sarif", sarif ?? "");
        WorkflowCommands.AppendOutput(settings.OutputFile, "comment_url", outcome.CommentUrl ?? "");
        WorkflowCommands.AppendOutput(settings.OutputFile, "check_run_url", outcome.CheckRunUrl ?? "");

        stderr.WriteLine($"reviewbot: {report.Conclusion.ToString().ToLowerInvariant()}: {report.Title}");
        stderr.WriteLine($"reviewbot: {api.Requests.Count} GitHub API request(s); comment {outcome.Comment.ToString().ToLowerInvariant()}; check run {(outcome.CheckWritten ? "written" : "NOT written")}");
        return report.Conclusion == Conclusion.Success ? ExitCodes.Passed : ExitCodes.Failed;
    }

    private void AnnotateFindings(ReviewReport report)
    {
        var ordered = report.Findings.OrderByDescending(f => f.Severity).ToList();
        foreach (var finding in ordered.Take(MaxWorkflowAnnotations))
        {
            _commands.Annotation(
                report.IsBlocking(finding) ? "error" : "warning",
                finding.Message,
                finding.File,
                finding.Line,
                finding.EndLine,
                $"[{finding.Severity.ToText()}] {finding.Agent}/{finding.Rule}: {finding.Title}");
        }

        if (ordered.Count > MaxWorkflowAnnotations)
        {
            _commands.Annotation("warning", $"{ordered.Count - MaxWorkflowAnnotations} more findings are in the job summary and {ReportPath}.", title: "ReviewBot");
        }
    }

    private static string Summary(ReviewReport report, PublishOutcome outcome, IReadOnlyList<string> notes, GitHubPullRequest pr)
    {
        var sb = new StringBuilder();
        sb.Append(report.Conclusion == Conclusion.Success ? "## ReviewBot: passed\n\n" : "## ReviewBot: failed\n\n");
        sb.Append("Pull request #").Append(pr.Info.Number).Append(" at `").Append(pr.Info.HeadSha).Append("`: ").Append(report.Title).Append("\n\n");
        sb.Append("- Comment: ").Append(outcome.Comment switch
        {
            CommentAction.Created => "created",
            CommentAction.Updated => "updated",
            CommentAction.Unchanged => "unchanged",
            CommentAction.SkippedHeadMoved => "not updated (the head moved; a newer run owns it)",
            _ => "**not written** (the full report is below)",
        }).Append('\n');
        sb.Append("- Check run: ").Append(outcome.CheckWritten ? "written" : "**not written** (findings are workflow annotations; the exit code is the gate)").Append('\n');
        foreach (var problem in outcome.Problems.Concat(notes))
        {
            sb.Append("- ").Append(problem).Append('\n');
        }

        sb.Append("\n---\n\n").Append(report.Markdown).Append('\n');
        return sb.ToString();
    }

    private async Task<GitHubPullRequest> ResolvePullRequestAsync(ActionSettings settings, GitHubChangeSource source, CancellationToken cancellationToken)
    {
        switch (settings.EventName)
        {
            case "pull_request" or "pull_request_target":
            {
                var payload = await ReadEventAsync(settings, cancellationToken).ConfigureAwait(false);
                if (settings.PullRequestNumber is { } explicitNumber && explicitNumber != payload["number"]?.GetValue<int>())
                {
                    return await source.GetPullRequestAsync(settings.Repository, explicitNumber, cancellationToken).ConfigureAwait(false);
                }

                var json = payload["pull_request"] ?? throw new InvalidInputException($"GITHUB_EVENT_PATH: the {settings.EventName} event has no pull_request object.");
                var pr = GitHubPullRequest.FromJson(settings.Repository, json, "GITHUB_EVENT_PATH");
                return payload["action"]?.GetValue<string>() == "closed" ? pr with { IsOpen = false } : pr;
            }

            case "workflow_dispatch":
            {
                var number = settings.PullRequestNumber;
                if (number is null && settings.EventPath is not null)
                {
                    var payload = await ReadEventAsync(settings, cancellationToken).ConfigureAwait(false);
                    var input = payload["inputs"]?["pr_number"]?.ToString();
                    if (!string.IsNullOrWhiteSpace(input))
                    {
                        number = int.TryParse(input.Trim().TrimStart('#'), out var n) && n > 0
                            ? n
                            : throw new InvalidInputException($"workflow_dispatch input pr_number: '{input}' is not a pull request number.");
                    }
                }

                return number is { } prNumber
                    ? await source.GetPullRequestAsync(settings.Repository, prNumber, cancellationToken).ConfigureAwait(false)
                    : throw new InvalidInputException("workflow_dispatch: the pr_number input is required (the pull request to review).");
            }

            default:
                throw new InvalidInputException($"GITHUB_EVENT_NAME: '{settings.EventName}' is not supported; run ReviewBot on pull_request or workflow_dispatch (with pr_number).");
        }
    }

    private static async Task<JsonObject> ReadEventAsync(ActionSettings settings, CancellationToken cancellationToken)
    {
        var path = settings.EventPath ?? throw new InvalidInputException("GITHUB_EVENT_PATH is not set.");
        try
        {
            var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
            return JsonNode.Parse(text) as JsonObject ?? throw new InvalidInputException($"GITHUB_EVENT_PATH: '{path}' is not a JSON object.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidInputException($"GITHUB_EVENT_PATH: cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>
    /// The identity of a personal access token (it writes comments as its user): only then does GET /user work
    /// (it fails for GITHUB_TOKEN and App installation tokens, whose identity the created check run tells).
    /// </summary>
    private async Task<string?> CommentAuthorAsync(GitHubApi api, string token, CancellationToken cancellationToken)
    {
        if (!IsPersonalToken(token))
        {
            return null;
        }

        try
        {
            var user = await api.CallAsync(c => c.User.Current(), cancellationToken).ConfigureAwait(false);
            return user.Login;
        }
        catch (Exception e) when (e is Octokit.ApiException or HttpRequestException)
        {
            stderr.WriteLine($"reviewbot: could not read the token's user ({e.Message}); existing comments are left alone and a new one is written.");
            return null;
        }
    }

    private static bool IsPersonalToken(string token) =>
        token.StartsWith("ghp_", StringComparison.Ordinal) || token.StartsWith("github_pat_", StringComparison.Ordinal);

    private async Task NotReviewedAsync(GitHubPublisher publisher, ActionSettings settings, string reason, string message)
    {
        // Best effort within a short bound: the run is already failing.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await publisher.PublishAsync(new PublishRequest
            {
                Conclusion = Conclusion.Failure,
                Title = $"Not reviewed: {reason}",
                Summary = message,
                CommentBody = null,
            }, bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        WorkflowCommands.AppendSummary(settings.StepSummary, $"## ReviewBot: not reviewed ({reason})\n\n{message}\n");
    }

    private int Skip(ActionSettings settings, string why)
    {
        stderr.WriteLine($"reviewbot: {why}");
        _commands.Annotation("notice", why, title: "ReviewBot");
        WorkflowCommands.AppendSummary(settings.StepSummary, $"## ReviewBot: skipped\n\n{why}\n");
        WorkflowCommands.AppendOutput(settings.OutputFile, "conclusion", "skipped");
        WorkflowCommands.AppendOutput(settings.OutputFile, "findings", "0");
        return ExitCodes.Passed;
    }

    /// <summary>
    /// Writes one output file without following a symbolic link the pull request may have committed on its path;
    /// such a path is written under RUNNER_TEMP instead, and the output names where it went.
    /// </summary>
    private async Task<string> WriteOutputAsync(string root, string path, string text, CancellationToken cancellationToken)
    {
        var fallback = environment.TryGetValue("RUNNER_TEMP", out var temp) && !string.IsNullOrWhiteSpace(temp) && Directory.Exists(temp) ? temp : Path.GetTempPath();
        var written = await OutputFiles.WriteAsync(root, path, fallback, text, cancellationToken).ConfigureAwait(false);
        if (written.RefusedLink is { } link)
        {
            _commands.Annotation(
                "warning",
                $"'{link}' is a symbolic link in the checkout (the pull request may have committed it); ReviewBot does not write through links, so {path} was written to {written.Path}.",
                title: "ReviewBot: output file moved");
        }

        return written.Path;
    }

    private static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;

    /// <summary>
    /// In a container action the workspace belongs to the runner's user while the container runs as root;
    /// git refuses such repositories unless <c>safe.directory</c> allows them. Environment config
    /// (<c>GIT_CONFIG_COUNT</c>) counts as command-line config and reaches every git process started here.
    /// </summary>
    private static void TrustWorkspaceOwnership()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("GIT_CONFIG_COUNT")))
        {
            return;
        }

        Environment.SetEnvironmentVariable("GIT_CONFIG_COUNT", "1");
        Environment.SetEnvironmentVariable("GIT_CONFIG_KEY_0", "safe.directory");
        Environment.SetEnvironmentVariable("GIT_CONFIG_VALUE_0", "*");
    }
}
