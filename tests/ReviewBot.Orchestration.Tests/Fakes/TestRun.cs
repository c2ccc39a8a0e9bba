using Microsoft.Extensions.Time.Testing;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Llm;

namespace ReviewBot.Orchestration.Tests.Fakes;

/// <summary>Builds engines on virtual time and the small values tests need.</summary>
internal static class TestRun
{
    public static ChangeSet EmptyChange { get; } = new([], MemorySnapshot.Empty("base"), MemorySnapshot.Empty("head"));

    public static ReviewEngine Engine(TimeProvider time, ReviewConfig? config = null, ILanguageModel? model = null, Action<ReviewEngineBuilder>? configure = null)
    {
        var builder = new ReviewEngineBuilder().WithConfig(config ?? ReviewConfig.Default).WithTimeProvider(time).WithLanguageModel(model);
        configure?.Invoke(builder);
        return builder.Build();
    }

    public static Task<EngineRun> Run(ReviewEngine engine, IReadOnlyList<IReviewAgent> agents, IEngineObserver? observer = null, ResourceStore? resources = null, CancellationToken cancellationToken = default) =>
        engine.RunAsync(agents, EmptyChange, resources ?? new ResourceStore(), observer, cancellationToken);

    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    public static Finding Finding(string agent, string rule, string file, int? line, Severity severity, FindingSource source = FindingSource.Rule) => new()
    {
        Agent = new AgentName(agent),
        Rule = rule,
        Severity = severity,
        File = file,
        Line = line,
        EndLine = line,
        Title = $"{rule} in {file}",
        Message = $"{rule}: what is wrong, why it matters, what to do.",
        Anchor = $"line {line} of {file}",
        Source = source,
    };

    public static AgentOutput Output(params Finding[] findings) => new(findings);

    /// <summary>Waits on the agent's token (virtual time moves only when the test advances it).</summary>
    public static async Task<AgentOutput> Forever(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return AgentOutput.None;
    }
}
