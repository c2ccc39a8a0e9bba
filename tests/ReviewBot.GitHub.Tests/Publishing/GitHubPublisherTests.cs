using System.Text.Json.Nodes;
using ReviewBot.Core.Reports;
using ReviewBot.GitHub.Publishing;
using ReviewBot.GitHub.Tests.Http;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Publishing;

public sealed class GitHubPublisherTests
{
    private static readonly string Body = CommentMarker.Value + "\n### ReviewBot: no findings";

    private static GitHubPublisher Publisher(FakeGitHub fake, GitHubApi api, GitHubPublisherOptions? options = null) =>
        new(api, RepositoryId.Parse(fake.FullName), fake.Number, fake.HeadSha, options);

    private static PublishRequest Request(Conclusion conclusion = Conclusion.Success, string? body = null, IReadOnlyList<CheckAnnotation>? annotations = null) => new()
    {
        Conclusion = conclusion,
        Title = conclusion == Conclusion.Success ? "No findings" : "2 blocking findings (at or above high)",
        Summary = "summary",
        Text = "details",
        CommentBody = body ?? Body,
        Annotations = annotations ?? [],
    };

    private static List<CheckAnnotation> Annotations(int count) =>
        Enumerable.Range(1, count).Select(i => new CheckAnnotation("models/a.sql", i, i, AnnotationLevel.Warning, $"t{i}", $"m{i}")).ToList();

    [Fact]
    public async Task Publish_Opened_CreatesCheckInProgressThenCompletesAndCreatesComment()
    {
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);

        Assert.True(await publisher.StartCheckAsync("Reviewing", "5 agents queued", CancellationToken.None));
        var outcome = await publisher.PublishAsync(Request(Conclusion.Failure, annotations: Annotations(3)), CancellationToken.None);

        Assert.True(outcome.CheckWritten);
        Assert.Equal(CommentAction.Created, outcome.Comment);
        Assert.Empty(outcome.Problems);
        var run = Assert.Single(fake.CheckRuns);
        Assert.Equal("ReviewBot", run["name"]!.GetValue<string>());
        Assert.Equal(fake.HeadSha, run["head_sha"]!.GetValue<string>());
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        Assert.Equal("2 blocking findings (at or above high)", run["output"]!["title"]!.GetValue<string>());
        Assert.Equal(3, run["annotations"]!.AsArray().Count);
        var start = fake.CheckRunWrites[0];
        Assert.Equal("in_progress", start["status"]!.GetValue<string>());
        Assert.Equal("ReviewBot", start["name"]!.GetValue<string>());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", start["started_at"]!.GetValue<string>());
        Assert.Equal("Reviewing", start["output"]!["title"]!.GetValue<string>());
        Assert.Equal("5 agents queued", start["output"]!["summary"]!.GetValue<string>());
        var comment = Assert.Single(fake.Comments);
        Assert.Equal(Body, comment.Body);
    }

    [Fact]
    public async Task Publish_Synchronize_EditsTheBotCommentNeverASecondOne()
    {
        using var fake = new FakeGitHub(payload: "pull_request/synchronize.payload.json");
        fake.AddComment("Looks good to me", login: "Codertocat", userType: "User");
        var existing = fake.AddComment(CommentMarker.Value + "\nold result");
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api).PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Updated, outcome.Comment);
        Assert.Equal(existing.Id, outcome.CommentId);
        Assert.Equal(2, fake.Comments.Count);
        Assert.Equal(Body, fake.Comments.Single(c => c.Id == existing.Id).Body);
        Assert.Equal(0, fake.CountRequests("POST", "/issues/2/comments"));
        Assert.Equal(1, fake.CountRequests("PATCH", $"/issues/comments/{existing.Id}"));
    }

    [Fact]
    public async Task Publish_SameBodyAgain_NoWrite()
    {
        using var fake = new FakeGitHub();
        fake.AddComment(Body);
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api).PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Unchanged, outcome.Comment);
        Assert.DoesNotContain(fake.Requests, r => r.Path.Contains("/issues/comments/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publish_MarkerInAHumansComment_NotTouched()
    {
        using var fake = new FakeGitHub();
        var human = fake.AddComment("quoting " + CommentMarker.Value, login: "mallory", userType: "User");
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api).PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Created, outcome.Comment);
        Assert.Equal("quoting " + CommentMarker.Value, fake.Comments.Single(c => c.Id == human.Id).Body);
        Assert.Equal(2, fake.Comments.Count);
    }

    [Fact]
    public async Task Publish_PersonalAccessTokenLogin_FindsItsUserComment()
    {
        using var fake = new FakeGitHub();
        var mine = fake.AddComment(CommentMarker.Value + "\nold", login: "ci-user", userType: "User");
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api, new GitHubPublisherOptions { CommentAuthorLogin = "CI-User" }).PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Updated, outcome.Comment);
        Assert.Equal(mine.Id, outcome.CommentId);
    }

    [Fact]
    public async Task Publish_TwoRunsRaced_KeepsOldestEditsItDeletesTheOther()
    {
        using var fake = new FakeGitHub();
        var oldest = fake.AddComment(CommentMarker.Value + "\nrun A", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:00Z"));
        var newer = fake.AddComment(CommentMarker.Value + "\nrun B", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:01Z"));
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api).PublishAsync(Request(), CancellationToken.None);

        var kept = Assert.Single(fake.Comments);
        Assert.Equal(oldest.Id, kept.Id);
        Assert.Equal(Body, kept.Body);
        Assert.Equal(1, outcome.DuplicatesDeleted);
        Assert.Equal(1, fake.CountRequests("DELETE", $"/issues/comments/{newer.Id}"));
    }

    [Fact]
    public async Task Publish_CommentsPaginated_FindsMarkerOnALaterPage()
    {
        using var fake = new FakeGitHub();
        for (var i = 0; i < 130; i++)
        {
            fake.AddComment($"comment {i}", login: "someone", userType: "User");
        }

        var ours = fake.AddComment(CommentMarker.Value + "\nold");
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api).PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(ours.Id, outcome.CommentId);
        Assert.Equal(2, fake.CountRequests("GET", "/issues/2/comments"));
        Assert.Equal(131, fake.Comments.Count);
    }

    [Fact]
    public async Task Publish_ReadOnlyTokenOnFork_OutcomeSaysWhatFailedWithoutThrowing()
    {
        using var fake = new FakeGitHub();
        var forbidden = """{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}""";
        fake.Faults.Add(new FakeFault { Method = "POST", PathPattern = "/check-runs$", Status = 403, Body = forbidden, Times = -1 });
        fake.Faults.Add(new FakeFault { Method = "POST", PathPattern = "/issues/2/comments$", Status = 403, Body = forbidden, Times = -1 });
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);

        Assert.False(await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None));
        var outcome = await publisher.PublishAsync(Request(Conclusion.Failure), CancellationToken.None);

        Assert.False(outcome.CheckWritten);
        Assert.False(outcome.CommentWritten);
        Assert.Contains(outcome.Problems, p => p.Contains("checks: write", StringComparison.Ordinal));
        Assert.Contains(outcome.Problems, p => p.Contains("pull-requests: write", StringComparison.Ordinal) && p.Contains("403", StringComparison.Ordinal));
        Assert.Equal(1, fake.CountRequests("POST", "/check-runs"));
        Assert.Equal(1, fake.CountRequests("POST", "/issues/2/comments"));
    }

    [Fact]
    public async Task Publish_HeadMovedDuringRun_CompletesOwnCheckLeavesComment()
    {
        using var fake = new FakeGitHub();
        var previous = fake.AddComment(CommentMarker.Value + "\nresult of the newer run");
        var reviewed = fake.HeadSha;
        fake.MoveHeadOnLaterReads("1111111111111111111111111111111111111111");
        using var api = TestApi.For(fake);
        await api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None);
        var publisher = new GitHubPublisher(api, RepositoryId.Parse(fake.FullName), fake.Number, reviewed);
        await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);

        var outcome = await publisher.PublishAsync(Request(Conclusion.Failure), CancellationToken.None);

        Assert.True(outcome.HeadMoved);
        Assert.Equal(CommentAction.SkippedHeadMoved, outcome.Comment);
        Assert.Equal("1111111111111111111111111111111111111111", outcome.CurrentHeadSha);
        Assert.Equal(previous.Body, Assert.Single(fake.Comments).Body);
        var run = Assert.Single(fake.CheckRuns);
        Assert.Equal(reviewed, run["head_sha"]!.GetValue<string>());
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        Assert.Contains("head moved to 1111111", run["output"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_120Annotations_BatchesOf50FirstWithCompletion()
    {
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);
        await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);

        var outcome = await publisher.PublishAsync(Request(Conclusion.Failure, annotations: Annotations(120)), CancellationToken.None);

        Assert.Equal(120, outcome.AnnotationsWritten);
        var patches = fake.CheckRunWrites.Skip(1).ToList();
        Assert.Equal([50, 50, 20], patches.Select(p => p["output"]!["annotations"]!.AsArray().Count));
        Assert.Equal("completed", patches[0]["status"]!.GetValue<string>());
        Assert.Equal(120, Assert.Single(fake.CheckRuns)["annotations"]!.AsArray().Count);
    }

    [Fact]
    public async Task Publish_AnnotationBatchRejected_ConclusionKeptAndSaidSo()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault
        {
            Method = "PATCH",
            PathPattern = "/check-runs/",
            Status = 422,
            Body = """{"message":"Validation Failed","errors":[{"resource":"CheckRun","code":"invalid","field":"annotations"}]}""",
            BodyContains = "\"annotations\"",
        });
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);
        await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);

        var outcome = await publisher.PublishAsync(Request(Conclusion.Failure, annotations: Annotations(60)), CancellationToken.None);

        Assert.True(outcome.CheckWritten);
        Assert.Equal(50, outcome.AnnotationsRejected);
        Assert.Equal(10, outcome.AnnotationsWritten);
        var run = Assert.Single(fake.CheckRuns);
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        Assert.Contains("50 of 60 annotations could not be attached", run["output"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_CheckNeverStarted_CreatedCompleted()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "POST", PathPattern = "/check-runs$", Status = 502 });
        using var api = TestApi.For(fake);
        var publisher = Publisher(fake, api);
        Assert.False(await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None));

        var outcome = await publisher.PublishAsync(Request(), CancellationToken.None);

        Assert.True(outcome.CheckWritten);
        var run = Assert.Single(fake.CheckRuns);
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal("success", run["conclusion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Publish_CommentCreateFailsWith5xx_LooksUpAgainThenCreatesOnce()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "POST", PathPattern = "/issues/2/comments$", Status = 502 });
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api).PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Created, outcome.Comment);
        Assert.Single(fake.Comments);
        Assert.Equal(2, fake.CountRequests("GET", "/issues/2/comments"));
    }

    [Fact]
    public async Task Publish_CommentCreatedButResponseLost_FoundAgainNotDuplicated()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "POST", PathPattern = "/issues/2/comments$", Status = 502, AfterApplying = true });
        using var api = TestApi.For(fake);

        var outcome = await Publisher(fake, api).PublishAsync(Request(), CancellationToken.None);

        Assert.Equal(CommentAction.Unchanged, outcome.Comment);
        Assert.Equal(Body, Assert.Single(fake.Comments).Body);
        Assert.Equal(1, fake.CountRequests("POST", "/issues/2/comments"));
    }

    [Fact]
    public async Task Publish_LongTexts_ClippedToGitHubLimits()
    {
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);
        var request = Request() with { Summary = new string('s', 70_000), Text = new string('t', 100_000) };

        await Publisher(fake, api).PublishAsync(request, CancellationToken.None);

        var output = fake.CheckRunWrites[^1]["output"]!;
        Assert.Equal(GitHubPublisher.MaxOutputLength, output["summary"]!.GetValue<string>().Length);
        Assert.Equal(GitHubPublisher.MaxOutputLength, output["text"]!.GetValue<string>().Length);
        Assert.EndsWith("JSON report)", output["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportProgress_Throttled_AtMostOncePerInterval()
    {
        using var fake = new FakeGitHub();
        var time = new AutoAdvancingTimeProvider();
        using var api = TestApi.For(fake, time);
        var publisher = Publisher(fake, api);
        await publisher.StartCheckAsync("Reviewing", "queued", CancellationToken.None);

        Assert.False(await publisher.ReportProgressAsync("governance finished", CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(await publisher.ReportProgressAsync("quality finished", CancellationToken.None));
        Assert.False(await publisher.ReportProgressAsync("lineage finished", CancellationToken.None));

        var writes = fake.CheckRunWrites;
        Assert.Equal(2, writes.Count);
        Assert.Equal("quality finished", writes[1]["output"]!["summary"]!.GetValue<string>());
        Assert.Null(writes[1]["status"]);
    }
}
