using ReviewBot.Core.Reports;
using ReviewBot.GitHub.Publishing;
using ReviewBot.GitHub.Tests.Http;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Publishing;

/// <summary>
/// The comment identity (only our own account's marker comment is edited or deleted) and GitHub's secondary rate
/// limits on writes (waited out and retried, never diagnosed as a missing permission), against WireMock.
/// </summary>
public sealed class PublisherHardeningTests
{
    private const string SecondaryLimit = """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}""";

    private static readonly string Body = CommentMarker.Value + "\n### ReviewBot: no findings";

    private static GitHubPublisher Publisher(FakeGitHub fake, GitHubApi api, GitHubPublisherOptions? options = null) =>
        new(api, RepositoryId.Parse(fake.FullName), fake.Number, fake.HeadSha, options);

    private static PublishRequest Request(int annotations = 0) => new()
    {
        Conclusion = Conclusion.Failure,
        Title = "1 blocking finding",
        Summary = "summary",
        Text = "details",
        CommentBody = Body,
        Annotations = Enumerable.Range(1, annotations).Select(i => new CheckAnnotation("models/a.sql", i, i, AnnotationLevel.Warning, $"t{i}", $"m{i}")).ToList(),
    };

    [Fact]
    public async Task Publish_AnotherBotsCommentStartsWithTheMarker_NeitherEditedNorDeleted()
    {
        using var fake = new FakeGitHub();
        var linter = fake.AddComment(CommentMarker.Value + "\nTitle check: the title must start with a ticket id.", login: "title-linter[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T09:00:00Z"));
        var ours = fake.AddComment(CommentMarker.Value + "\nold result", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:00Z"));
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);
        await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);

        var outcome = await publisher.PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Updated, outcome.Comment);
        Assert.Equal(ours.Id, outcome.CommentId);
        Assert.Equal(0, outcome.DuplicatesDeleted);
        Assert.Equal(linter.Body, fake.Comments.Single(c => c.Id == linter.Id).Body);
        Assert.Equal(Body, fake.Comments.Single(c => c.Id == ours.Id).Body);
        Assert.Equal(0, fake.CountRequests("DELETE", "/issues/comments/" + linter.Id));
        Assert.Equal(0, fake.CountRequests("PATCH", "/issues/comments/" + linter.Id));
    }

    [Fact]
    public async Task Publish_SameAccountQuotesTheMarkerInsideItsText_NotTreatedAsOurs()
    {
        // Another workflow of the repository posts as github-actions[bot] too and echoes the pull request's title.
        using var fake = new FakeGitHub();
        var echo = fake.AddComment("PR title `fix " + CommentMarker.Value + "` does not follow the convention.");
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);
        await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);

        var outcome = await publisher.PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Created, outcome.Comment);
        Assert.Equal(2, fake.Comments.Count);
        Assert.Equal(echo.Body, fake.Comments.Single(c => c.Id == echo.Id).Body);
    }

    [Fact]
    public async Task Publish_AppInstallationToken_IdentityFromTheCheckRunsApp_GitHubActionsCommentLeftAlone()
    {
        using var fake = new FakeGitHub { AppSlug = "reviewbot-acme" };
        var actions = fake.AddComment(CommentMarker.Value + "\nfrom a workflow", login: "github-actions[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T09:00:00Z"));
        var ours = fake.AddComment(CommentMarker.Value + "\nold result", login: "reviewbot-acme[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:00Z"));
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);
        await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);

        var outcome = await publisher.PublishAsync(Request(), CancellationToken.None);

        Assert.Equal("reviewbot-acme[bot]", publisher.CommentAuthorLogin);
        Assert.Equal(ours.Id, outcome.CommentId);
        Assert.Equal(2, fake.Comments.Count);
        Assert.Equal(actions.Body, fake.Comments.Single(c => c.Id == actions.Id).Body);
    }

    [Fact]
    public async Task Publish_IdentityUnknown_NoExistingCommentTouchedOneCreated()
    {
        // No check run (read-only for checks), no configured identity: nothing existing can be proven ours.
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "POST", PathPattern = "/check-runs$", Status = 403, Body = """{"message":"Resource not accessible by integration"}""", Times = -1 });
        var botA = fake.AddComment(CommentMarker.Value + "\nA", login: "some-bot[bot]");
        var botB = fake.AddComment(CommentMarker.Value + "\nB", login: "github-actions[bot]");
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api).PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Created, outcome.Comment);
        Assert.Equal(3, fake.Comments.Count);
        Assert.Equal(0, fake.Requests.Count(r => r.Method == "DELETE"));
        Assert.Contains(fake.Comments, c => c.Id == botA.Id && c.Body == botA.Body);
        Assert.Contains(fake.Comments, c => c.Id == botB.Id && c.Body == botB.Body);
    }

    [Fact]
    public async Task Publish_RaceDuplicatesOfOurOwn_DeletedButNeverAnotherAccounts()
    {
        using var fake = new FakeGitHub();
        var foreign = fake.AddComment(CommentMarker.Value + "\nforeign", login: "other-app[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T08:00:00Z"));
        var oldest = fake.AddComment(CommentMarker.Value + "\nrun A", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:00Z"));
        var newer = fake.AddComment(CommentMarker.Value + "\nrun B", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:01Z"));
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);
        await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);

        var outcome = await publisher.PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(oldest.Id, outcome.CommentId);
        Assert.Equal(1, outcome.DuplicatesDeleted);
        Assert.DoesNotContain(fake.Comments, c => c.Id == newer.Id);
        Assert.Contains(fake.Comments, c => c.Id == foreign.Id && c.Body == foreign.Body);
    }

    public static TheoryData<string, string, string?, int, string> Writes => new()
    {
        // method, path, body filter, status, Retry-After ("" = none: the message alone says rate limit)
        { "POST", "/check-runs$", "in_progress", 403, "1" },
        { "POST", "/check-runs$", "in_progress", 403, "" },
        { "POST", "/check-runs$", "in_progress", 429, "2" },
        { "PATCH", "/check-runs/", "\"completed\"", 403, "1" },
        { "PATCH", "/check-runs/", "m55", 403, "1" },
        { "POST", "/issues/2/comments$", null, 403, "1" },
        { "POST", "/issues/2/comments$", null, 429, "" },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Publish_SecondaryRateLimitOnAWrite_WaitedAndRetriedNotAPermissionProblem(string method, string path, string? bodyContains, int status, string retryAfter)
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault
        {
            Method = method,
            PathPattern = path,
            BodyContains = bodyContains,
            Status = status,
            Body = SecondaryLimit,
            Headers = retryAfter.Length == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Retry-After"] = retryAfter },
        });
        var time = new AutoAdvancingTimeProvider();
        var start = time.GetUtcNow();
        var log = new List<string>();
        using var api = GitHubClientFactory.Create(new GitHubOptions { ApiUrl = new Uri(fake.ApiUrl), Token = "ghs_test", TimeProvider = time, Log = log.Add });
        var publisher = Publisher(fake, api);

        var started = await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);
        var outcome = await publisher.PublishAsync(Request(annotations: 60), CancellationToken.None);

        Assert.True(started);
        Assert.True(outcome.CheckWritten, string.Join("\n", outcome.Problems));
        Assert.Equal(60, outcome.AnnotationsWritten);
        Assert.Equal(CommentAction.Created, outcome.Comment);
        Assert.Empty(outcome.Problems);
        var run = Assert.Single(fake.CheckRuns);
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        Assert.Single(fake.Comments);
        Assert.Contains(log, l => l.Contains("rate limited", StringComparison.Ordinal));
        Assert.True(time.GetUtcNow() - start >= TimeSpan.FromSeconds(1), "the retry did not wait");
    }

    [Fact]
    public async Task StartCheck_SecondaryRateLimitLongerThanTheRunAllows_DiagnosedAsRateLimitNotPermission()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault
        {
            Method = "POST",
            PathPattern = "/check-runs$",
            Status = 403,
            Body = SecondaryLimit,
            Headers = new Dictionary<string, string> { ["Retry-After"] = "3600" },
            Times = -1,
        });
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);

        Assert.False(await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None));
        var outcome = await publisher.PublishAsync(Request(), CancellationToken.None);

        Assert.False(outcome.CheckWritten);
        Assert.DoesNotContain(outcome.Problems, p => p.Contains("checks: write", StringComparison.Ordinal));
        Assert.Contains(outcome.Problems, p => p.Contains("rate limit", StringComparison.Ordinal));

        // The completion still tried to create the check (a rate limit is not a permanent refusal).
        Assert.Equal(2, fake.CountRequests("POST", "/check-runs"));
    }
}
