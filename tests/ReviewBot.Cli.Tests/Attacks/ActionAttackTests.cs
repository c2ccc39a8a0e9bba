using System.Text.Json.Nodes;
using ReviewBot.Cli.Action;
using ReviewBot.TestUtils.Attacks;
using ReviewBot.TestUtils.GitHub;
using Xunit.Abstractions;

namespace ReviewBot.Cli.Tests.Attacks;

/// <summary>
/// The shared attack table (<see cref="AttackCorpus"/>) through <c>reviewbot action</c>: the real Action run with the
/// GITHUB_* environment and an event file, against the fake GitHub on loopback (real Octokit), once with the pull
/// request checked out in GITHUB_WORKSPACE and once through the API alone (files list, tarballs, contents API).
/// Asserted on what was posted: the check run's conclusion and title, and the comment.
/// </summary>
public sealed class ActionAttackTests(ITestOutputHelper output)
{
    public static TheoryData<string> CheckoutCases => AttackCorpus.For(AttackLevels.ActionCheckout);

    public static TheoryData<string> ApiCases => AttackCorpus.For(AttackLevels.ActionApi);

    [Theory]
    [MemberData(nameof(CheckoutCases))]
    public Task Action_AttackWithCheckout_NeverAFalseGreen(string name) => RunAsync(AttackCorpus.Get(name), checkout: true);

    [Theory]
    [MemberData(nameof(ApiCases))]
    public Task Action_AttackThroughTheApiAlone_NeverAFalseGreen(string name) => RunAsync(AttackCorpus.Get(name), checkout: false);

    private async Task RunAsync(AttackCase attack, bool checkout)
    {
        using var repo = AttackRepo.Create(attack);
        using var github = new FakeGitHub();
        repo.Publish(github, trees: !checkout);
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "reviewbot-attacks", Guid.NewGuid().ToString("N")[..12])).FullName;
        try
        {
            var payload = WebhookFixtures.Load("pull_request/opened.payload.json");
            payload["pull_request"]!["head"]!["sha"] = repo.HeadSha;
            payload["pull_request"]!["base"]!["sha"] = repo.BaseSha;
            payload["pull_request"]!["changed_files"] = github.Files.Count;
            await File.WriteAllTextAsync(Path.Combine(dir, "event.json"), payload.ToJsonString());
            var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["GITHUB_EVENT_NAME"] = "pull_request",
                ["GITHUB_EVENT_PATH"] = Path.Combine(dir, "event.json"),
                ["GITHUB_REPOSITORY"] = github.FullName,
                ["GITHUB_API_URL"] = github.ApiUrl,
                ["GITHUB_SERVER_URL"] = "https://github.com",
                ["GITHUB_RUN_ID"] = "19",
                ["GITHUB_WORKSPACE"] = checkout ? repo.Repo.Root : Directory.CreateDirectory(Path.Combine(dir, "workspace")).FullName,
                ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir, "summary.md"),
                ["GITHUB_OUTPUT"] = Path.Combine(dir, "output.txt"),
                ["INPUT_GITHUB_TOKEN"] = "ghs_attackCorpusToken0123456789",
            };
            if (attack.UnreachableLlm)
            {
                environment["INPUT_AZURE_OPENAI_ENDPOINT"] = AttackCorpus.UnreachableEndpoint;
                environment["INPUT_AZURE_OPENAI_DEPLOYMENT"] = "gpt-4o-review";
                environment["INPUT_AZURE_OPENAI_API_KEY"] = "azure-key-attacks";
            }

            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await new ActionRun(environment, TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr), TimeProvider.System).RunAsync(CancellationToken.None);
            output.WriteLine($"exit {exit}\n{stderr}");

            var run = Assert.Single(github.CheckRuns);
            Assert.Equal("completed", run["status"]!.GetValue<string>());
            var conclusion = run["conclusion"]!.GetValue<string>();
            AttackCorpus.AssertVerdict(attack, conclusion, run["output"]!["title"]!.GetValue<string>(), Assert.Single(github.Comments).Body);
            Assert.Equal(conclusion == "success" ? 0 : 1, exit);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
