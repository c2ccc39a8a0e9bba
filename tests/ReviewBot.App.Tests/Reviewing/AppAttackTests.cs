using System.Net;
using ReviewBot.TestUtils.Attacks;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.App.Tests.Reviewing;

/// <summary>
/// The shared attack table (<see cref="AttackCorpus"/>) through the App: the real ASP.NET server on loopback, a signed
/// <c>pull_request</c> delivery, the real reviewer against the fake GitHub (installation token, files list, tarballs,
/// contents API). Asserted on what the App posted: the check run's conclusion and title, and the comment.
/// </summary>
public sealed class AppAttackTests
{
    public static TheoryData<string> Cases => AttackCorpus.For(AttackLevels.App);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task App_SignedDeliveryOfAnAttack_NeverAFalseGreen(string name)
    {
        var attack = AttackCorpus.Get(name);
        using var repo = AttackRepo.Create(attack);
        using var github = new FakeGitHub();
        repo.Publish(github, trees: true);
        var environment = TestServer.Environment(github.ApiUrl);
        if (attack.UnreachableLlm)
        {
            environment["AZURE_OPENAI_ENDPOINT"] = AttackCorpus.UnreachableEndpoint;
            environment["AZURE_OPENAI_DEPLOYMENT"] = "gpt-4o-review";
            environment["AZURE_OPENAI_API_KEY"] = "azure-key-attacks";
        }

        await using var server = await TestServer.StartAsync(environment, realReviewer: true);
        var payload = Fixtures.PullRequest("opened", headSha: repo.HeadSha);
        payload["pull_request"]!["base"]!["sha"] = repo.BaseSha;
        payload["pull_request"]!["changed_files"] = github.Files.Count;

        using var response = await server.SendAsync("pull_request", payload);
        // Queued for the worker: 202 Accepted.
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var finished = await server.Logs.WaitForAsync(
            m => m.StartsWith("Review finished", StringComparison.Ordinal) || m.StartsWith("Review failed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(90));

        Assert.StartsWith("Review finished", finished, StringComparison.Ordinal);
        var run = Assert.Single(github.CheckRuns);
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        AttackCorpus.AssertVerdict(attack, run["conclusion"]!.GetValue<string>(), run["output"]!["title"]!.GetValue<string>(), Assert.Single(github.Comments).Body);
    }
}
