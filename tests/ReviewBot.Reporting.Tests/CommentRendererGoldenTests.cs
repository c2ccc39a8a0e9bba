using ReviewBot.Reporting.Tests.Samples;

namespace ReviewBot.Reporting.Tests;

public sealed class CommentRendererGoldenTests
{
    [Fact]
    public void Render_FailingRunWithManyFindings_MatchesGolden() =>
        GoldenFile.AssertMatches(CommentRenderer.Render(ReportSamples.Failing(), ReportSamples.PullRequestChange), "comment-failing.md");

    [Fact]
    public void Render_GreenLocalRun_MatchesGolden() =>
        GoldenFile.AssertMatches(CommentRenderer.Render(ReportSamples.Green()), "comment-green.md");

    [Fact]
    public void Render_IncompleteRun_MatchesGolden() =>
        GoldenFile.AssertMatches(CommentRenderer.Render(ReportSamples.Incomplete(), ReportSamples.PullRequestChange), "comment-incomplete.md");

    [Fact]
    public void Render_HostileText_MatchesGolden() =>
        GoldenFile.AssertMatches(CommentRenderer.Render(ReportSamples.Hostile(), ReportSamples.PullRequestChange), "comment-hostile.md");

    [Fact]
    public void Render_OversizedRun_MatchesGolden() =>
        GoldenFile.AssertMatches(CommentRenderer.Render(ReportSamples.Oversized(), ReportSamples.PullRequestChange, maxLength: 20_000), "comment-oversized.md");
}
