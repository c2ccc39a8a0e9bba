namespace ReviewBot.Agents.Tests.Parity;

/// <summary>The parity targets on the labelled corpus (issue 15): what a team would otherwise need squawk, gitleaks/detect-secrets and bandit for.</summary>
public sealed class ParityTests
{
    private static readonly Lazy<Task<(IReadOnlyList<ParityScore> Scores, TimeSpan Elapsed)>> Run = new(() =>
        ParityEvaluator.RunAsync(ParityCorpus.Load(ParityCorpus.DefaultFolder), CancellationToken.None));

    [Theory]
    [InlineData("secrets", 60, 30)]
    [InlineData("python", 20, 20)]
    [InlineData("migrations", 40, 20)]
    public void Corpus_Category_HasTheAgreedSize(string category, int positives, int negatives)
    {
        var cases = ParityCorpus.Load(ParityCorpus.DefaultFolder).Where(c => c.Category == category).ToList();

        Assert.True(cases.Count(c => c.Positive) >= positives, $"{category}: {cases.Count(c => c.Positive)} positive cases");
        Assert.True(cases.Count(c => !c.Positive) >= negatives, $"{category}: {cases.Count(c => !c.Positive)} negative cases");
    }

    [Fact]
    public async Task Secrets_RecallAtLeast95PercentFalseAlarmsAtMost2Percent()
    {
        var score = (await Run.Value).Scores.Single(s => s.Category == "secrets");

        Assert.True(score.Recall >= 0.95, $"recall {score.Recall:P1}, missed: {string.Join(", ", score.Missed)}");
        Assert.True(score.FalseAlarmRate <= 0.02, $"false alarms {score.FalseAlarmRate:P1}: {string.Join(" | ", score.Alarms)}");
    }

    [Fact]
    public async Task Python_RecallAtLeast95PercentNoFalseAlarm()
    {
        var score = (await Run.Value).Scores.Single(s => s.Category == "python");

        Assert.True(score.Recall >= 0.95, $"recall {score.Recall:P1}, missed: {string.Join(", ", score.Missed)}");
        Assert.True(score.FalseAlarms == 0, $"false alarms: {string.Join(" | ", score.Alarms)}");
    }

    [Fact]
    public async Task Migrations_RecallAtLeast95PercentNoFalseAlarm()
    {
        var score = (await Run.Value).Scores.Single(s => s.Category == "migrations");

        Assert.True(score.Recall >= 0.95, $"recall {score.Recall:P1}, missed: {string.Join(", ", score.Missed)}");
        Assert.True(score.FalseAlarms == 0, $"false alarms: {string.Join(" | ", score.Alarms)}");
    }

    [Fact]
    public async Task WholeCorpus_UnderOneSecond()
    {
        // The first run pays for the JIT; measure a second one, as the benchmark does.
        await Run.Value;
        var (_, elapsed) = await ParityEvaluator.RunAsync(ParityCorpus.Load(ParityCorpus.DefaultFolder), CancellationToken.None);

        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"took {elapsed.TotalMilliseconds:N0} ms");
    }
}
