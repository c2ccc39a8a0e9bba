using ReviewBot.Cli.Tests.Reliability;
using ReviewBot.TestUtils;
using Xunit.Abstractions;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>
/// A repository whose config asks for LLM findings that may block (<c>llm.can_block: true</c>) but whose run gets no
/// LLM settings: the check cannot say "passed" without that half of the review (before: a green run with a note).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LlmCanBlockWithoutCredentialsTests(ITestOutputHelper output)
{
    private const string CleanModel = "select id,\n  name,\n  created_at\nfrom {{ ref('stg_customers') }}\n";

    private static readonly Dictionary<string, string> CleanHead = new(StringComparer.Ordinal) { ["models/customers.sql"] = CleanModel };

    [Fact]
    public async Task Action_CanBlockAndNoLlmInputs_NotReviewedNamingTheMissingSettings()
    {
        using var action = InProcessAction.Create(Config(canBlock: true), CleanHead);

        var result = await action.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        var run = Assert.Single(action.GitHub.CheckRuns);
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        var title = run["output"]!["title"]!.GetValue<string>();
        Assert.StartsWith("Not reviewed: llm.can_block is on but the LLM pass could not run (AZURE_OPENAI_ENDPOINT (the azure_openai_endpoint action input, or llm.endpoint) and AZURE_OPENAI_API_KEY", title, StringComparison.Ordinal);
        Assert.Contains("Not reviewed", Assert.Single(action.GitHub.Comments).Body, StringComparison.Ordinal);
        Assert.Contains("llm.can_block: false", result.Summary, StringComparison.Ordinal);
        Assert.True(result.Report!["incomplete"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Action_CanBlockNoLlmInputsOnIncompletePass_PassesButStillSaysNotReviewed()
    {
        using var action = InProcessAction.Create(Config(canBlock: true) + "on_incomplete: pass\n", CleanHead);

        var result = await action.RunAsync();

        Assert.Equal(0, result.ExitCode);
        var run = Assert.Single(action.GitHub.CheckRuns);
        Assert.Equal("success", run["conclusion"]!.GetValue<string>());
        Assert.StartsWith("Not reviewed: llm.can_block is on", run["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_AdvisoryLlmAndNoLlmInputs_RulesDecideWithANote()
    {
        using var action = InProcessAction.Create(Config(canBlock: false), CleanHead);

        var result = await action.RunAsync();

        Assert.Equal(0, result.ExitCode);
        var run = Assert.Single(action.GitHub.CheckRuns);
        Assert.Equal("success", run["conclusion"]!.GetValue<string>());
        Assert.DoesNotContain("Not reviewed", run["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("The LLM pass did not run", run["output"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_CanBlockAndNoLlmEnvironment_ExitOneNamingTheMissingSettings()
    {
        using var repo = TempGitRepo.Create();
        repo.WriteFile(".github/reviewbot.yml", Config(canBlock: true)).WriteFile("models/customers.sql", "select id from {{ ref('stg_customers') }}\n");
        repo.Commit("base");
        repo.Branch("feature", checkout: true);
        repo.WriteFile("models/customers.sql", CleanModel);
        repo.Commit("head");

        var result = await CliRunner.RunAsync("review", "--repo", repo.Root, "--base", "main", "--head", "feature", "--format", "json");
        output.WriteLine(result.StdErr);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("\"title\": \"Not reviewed: llm.can_block is on but the LLM pass could not run (AZURE_OPENAI_ENDPOINT", result.StdOut, StringComparison.Ordinal);
    }

    private static string Config(bool canBlock) => $"""
        llm:
          provider: azure-openai
          deployment: gpt-4o-review
          can_block: {(canBlock ? "true" : "false")}

        """;
}
