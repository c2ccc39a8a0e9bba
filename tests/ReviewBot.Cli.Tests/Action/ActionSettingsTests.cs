using ReviewBot.Cli.Action;
using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.GitHub.Publishing;
using ReviewBot.Reporting;

namespace ReviewBot.Cli.Tests.Action;

public sealed class ActionSettingsTests
{
    private static Dictionary<string, string?> Env(params (string Key, string? Value)[] extra)
    {
        var env = new Dictionary<string, string?>
        {
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_REPOSITORY"] = "o/r",
            ["INPUT_GITHUB_TOKEN"] = "t",
        };
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        return env;
    }

    [Fact]
    public void Read_Defaults_GitHubComAndDefaultConfigPath()
    {
        var settings = ActionSettings.Read(Env());

        Assert.Equal("https://api.github.com/", settings.ApiUrl.ToString());
        Assert.Equal(ConfigLoader.DefaultPath, settings.ConfigPath);
        Assert.Null(settings.FailOn);
    }

    [Fact]
    public void Read_EmptyInputs_CountAsUnset()
    {
        var settings = ActionSettings.Read(Env(("INPUT_FAIL_ON", ""), ("INPUT_PR_NUMBER", " "), ("INPUT_SARIF", "")));

        Assert.Null(settings.FailOn);
        Assert.Null(settings.PullRequestNumber);
        Assert.Null(settings.SarifPath);
    }

    [Theory]
    [InlineData("INPUT_FAIL_ON", "urgent", "fail_on")]
    [InlineData("INPUT_PR_NUMBER", "abc", "pr_number")]
    [InlineData("INPUT_MAX_TOKENS", "-5", "max_tokens")]
    [InlineData("INPUT_REVIEW_DRAFTS", "maybe", "review_drafts")]
    [InlineData("GITHUB_API_URL", "not a url", "GITHUB_API_URL")]
    public void Read_BadInput_NamesTheInput(string key, string value, string named)
    {
        var e = Assert.Throws<InvalidInputException>(() => ActionSettings.Read(Env((key, value))));

        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BothLlmProviders_NamesBothInputs()
    {
        var e = Assert.Throws<InvalidInputException>(() => ActionSettings.Read(Env(
            ("INPUT_AZURE_OPENAI_ENDPOINT", "https://a.openai.azure.com/"), ("INPUT_OPENAI_BASE_URL", "https://api.example.com/v1"))));

        Assert.Contains("azure_openai_endpoint", e.Message, StringComparison.Ordinal);
        Assert.Contains("openai_base_url", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoToken_ExplainsWhatToPass()
    {
        var env = Env();
        env.Remove("INPUT_GITHUB_TOKEN");

        var e = Assert.Throws<InvalidInputException>(() => ActionSettings.Read(env));

        Assert.Contains("github_token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_Overrides_FailOnAndBudgetOnly()
    {
        var config = ConfigLoader.Parse("max_parallel: 2\nbudget:\n  tokens: 1000\n  critical_reserve: 0.5\n", "c.yml");
        var settings = ActionSettings.Read(Env(("INPUT_FAIL_ON", "medium"), ("INPUT_MAX_TOKENS", "50_000")));

        var applied = settings.Apply(config);

        Assert.Equal(Severity.Medium, applied.FailOn);
        Assert.Equal(50_000, applied.Budget.Tokens);
        Assert.Equal(0.5, applied.Budget.CriticalReserve);
        Assert.Equal(2, applied.MaxParallel);
    }

    [Fact]
    public void RunUrl_FromServerRepositoryAndRunId()
    {
        var settings = ActionSettings.Read(Env(("GITHUB_SERVER_URL", "https://github.com"), ("GITHUB_RUN_ID", "7")));

        Assert.Equal("https://github.com/o/r/actions/runs/7", settings.RunUrl);
    }

    [Fact]
    public void CommentMarker_SameAsTheRenderers() => Assert.Equal(CommentRenderer.Marker, CommentMarker.Value);

    [Theory]
    [InlineData("a%b\r\nc", "a%25b%0D%0Ac")]
    public void EscapeData_PercentAndNewlines(string value, string expected) => Assert.Equal(expected, WorkflowCommands.EscapeData(value));

    [Fact]
    public void Annotation_PropertiesEscaped()
    {
        using var writer = new StringWriter();

        new WorkflowCommands(writer).Annotation("error", "line1\nline2", "a,b:c.sql", 3, 4, "T: x, y");

        Assert.Equal("::error file=a%2Cb%3Ac.sql,line=3,endLine=4,title=T%3A x%2C y::line1%0Aline2", writer.ToString().TrimEnd());
    }
}
