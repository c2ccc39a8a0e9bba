using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Reports;
using ReviewBot.Llm;
using ReviewBot.TestUtils.Attacks;

namespace ReviewBot.Pipeline.Tests.Attacks;

/// <summary>
/// The shared attack table (<see cref="AttackCorpus"/>) through the pipeline over a real git range. The same cases run
/// through <c>reviewbot action</c> (Cli.Tests) and the App (App.Tests).
/// </summary>
public sealed class AttackCorpusTests
{
    public static TheoryData<string> Cases => AttackCorpus.For(AttackLevels.Pipeline);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Pipeline_Attack_NeverAFalseGreen(string name)
    {
        var attack = AttackCorpus.Get(name);
        using var repo = AttackRepo.Create(attack);
        var config = attack.Config is null ? ReviewConfig.Default : ConfigLoader.Parse(attack.Config, ConfigLoader.DefaultPath);
        var model = attack.UnreachableLlm
            ? LanguageModelFactory.Create(config.Llm, new Dictionary<string, string?> { ["AZURE_OPENAI_ENDPOINT"] = AttackCorpus.UnreachableEndpoint, ["AZURE_OPENAI_API_KEY"] = "k" })
            : null;
        var change = await GitChangeSource.FromRangeAsync(repo.Repo.Root, "main", "feature", CancellationToken.None);

        var report = await new ReviewPipeline(TimeProvider.System, model).RunAsync(change, config, null, CancellationToken.None);

        AttackCorpus.AssertVerdict(attack, report.Conclusion == Conclusion.Success ? "success" : "failure", report.Title, report.Markdown);
    }
}
