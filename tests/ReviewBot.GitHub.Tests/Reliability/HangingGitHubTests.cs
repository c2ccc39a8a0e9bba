using System.Diagnostics;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Reports;
using ReviewBot.GitHub.Changes;
using ReviewBot.GitHub.Tests.Http;
using ReviewBot.GitHub.Publishing;
using ReviewBot.TestUtils.GitHub;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReviewBot.GitHub.Tests.Reliability;

/// <summary>
/// GitHub answers that never complete, bounded by the request timeout (not by the test): the change source fails
/// with an error the host turns into "Not reviewed", and the publisher reports what it could not do instead of
/// hanging or throwing. Also: a short files list is never taken for a smaller change.
/// </summary>
public sealed class HangingGitHubTests
{
    /// <summary>The request timeout of the hang tests; the hanging answers take three times longer (not forever, so teardown is quick).</summary>
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromSeconds(2);

    private static GitHubApi Api(FakeGitHub fake, TimeSpan? requestTimeout = null) => GitHubClientFactory.Create(new GitHubOptions
    {
        ApiUrl = new Uri(fake.ApiUrl),
        Token = "ghs_test",
        TimeProvider = new AutoAdvancingTimeProvider(),
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
        MaxRetries = 1,
    });

    private static void Hang(FakeGitHub fake, string method, string path) =>
        fake.Server.Given(Request.Create().WithPath($"/repos/{fake.FullName}{path}").UsingMethod(method)).AtPriority(-10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("[]").WithDelay(ShortTimeout * 3));

    [Fact]
    public async Task Acquire_FilesNeverAnswer_FailsWithinTheRequestTimeout()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        Hang(fake, "GET", "/pulls/2/files");
        using var api = Api(fake, ShortTimeout);
        var source = new GitHubChangeSource(api);
        var pr = GitHubPullRequest.FromJson(RepositoryId.Parse(fake.FullName), fake.PullRequest, "event");
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<Exception>(() => source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Publish_CommentListNeverAnswers_CheckCompletedCommentReportedNotWritten()
    {
        using var fake = new FakeGitHub();
        Hang(fake, "GET", "/issues/2/comments");
        using var api = Api(fake, ShortTimeout);
        var publisher = new GitHubPublisher(api, RepositoryId.Parse(fake.FullName), 2, fake.HeadSha);
        await publisher.StartCheckAsync("Reviewing", "…", CancellationToken.None);
        var clock = Stopwatch.StartNew();

        var outcome = await publisher.PublishAsync(new PublishRequest
        {
            Conclusion = Conclusion.Failure,
            Title = "1 blocking finding",
            Summary = "s",
            CommentBody = CommentMarker.Value + "\nbody",
        }, CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.True(outcome.CheckWritten);
        Assert.Equal("failure", Assert.Single(fake.CheckRuns)["conclusion"]!.GetValue<string>());
        Assert.Equal(CommentAction.NotWritten, outcome.Comment);
        Assert.Contains(outcome.Problems, p => p.Contains("did not answer in time", StringComparison.Ordinal));
        Assert.Empty(fake.Comments);
    }

    [Fact]
    public async Task Publish_CheckCompletionFailsTwiceWith503_RetriedNotLeftInProgress()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "PATCH", PathPattern = "/check-runs/", Status = 503, Times = 2, BodyContains = "\"conclusion\"" });
        using var api = Api(fake);
        var publisher = new GitHubPublisher(api, RepositoryId.Parse(fake.FullName), 2, fake.HeadSha);
        await publisher.StartCheckAsync("Reviewing", "…", CancellationToken.None);

        var outcome = await publisher.PublishAsync(new PublishRequest { Conclusion = Conclusion.Failure, Title = "t", Summary = "s" }, CancellationToken.None);

        Assert.True(outcome.CheckWritten);
        var run = Assert.Single(fake.CheckRuns);
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(WireMock.ResponseBuilders.FaultType.EMPTY_RESPONSE)]
    [InlineData(WireMock.ResponseBuilders.FaultType.MALFORMED_RESPONSE_CHUNK)]
    public async Task Publish_CommentCreateAnswerUnreadable_ReportedNeverThrown(WireMock.ResponseBuilders.FaultType wire)
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "POST", PathPattern = "/issues/2/comments$", Wire = wire, Times = -1 });
        using var api = Api(fake);
        var publisher = new GitHubPublisher(api, RepositoryId.Parse(fake.FullName), 2, fake.HeadSha);

        var outcome = await publisher.PublishAsync(new PublishRequest
        {
            Conclusion = Conclusion.Failure,
            Title = "t",
            Summary = "s",
            CommentBody = CommentMarker.Value + "\nbody",
        }, CancellationToken.None);

        Assert.True(outcome.CheckWritten, string.Join("; ", outcome.Problems));
        Assert.Equal(CommentAction.NotWritten, outcome.Comment);
        Assert.Contains(outcome.Problems, p => p.Contains("comment was not written", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acquire_FilesListShorterThanChangedFiles_AskedAgainThenRefused()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.AddFile("models/b.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2/files$", Status = 200, Body = "[]", Times = -1 });
        using var api = Api(fake);
        var source = new GitHubChangeSource(api);
        var pr = GitHubPullRequest.FromJson(RepositoryId.Parse(fake.FullName), fake.PullRequest, "event");

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None));

        Assert.Contains("listed 0 of the 2 files", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, fake.CountRequests("GET", "/pulls/2/files"));
    }

    [Fact]
    public async Task Acquire_FilesListEmptyOnceThenWhole_Reviewed()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2/files$", Wire = WireMock.ResponseBuilders.FaultType.EMPTY_RESPONSE });
        fake.Trees[fake.BaseSha] = new() { ["models/a.sql"] = "a\n" };
        fake.Trees[fake.HeadSha] = new() { ["models/a.sql"] = "b\n" };
        using var api = Api(fake);
        var source = new GitHubChangeSource(api);
        var pr = GitHubPullRequest.FromJson(RepositoryId.Parse(fake.FullName), fake.PullRequest, "event");

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None);

        Assert.Equal(["models/a.sql"], change.Files.Select(f => f.Path));
        Assert.Empty(change.Skipped);
    }
}
