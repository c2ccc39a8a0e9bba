namespace ReviewBot.Core.Agents;

/// <summary>What a failure or timeout of an agent means for the run.</summary>
public enum PolicyKind
{
    /// <summary>Fail closed: the run is incomplete and the check fails with "Not reviewed".</summary>
    Required,

    /// <summary>Continue: the agent is reported as degraded with its reason.</summary>
    BestEffort,
}

/// <summary>
/// A failure policy: retry up to <see cref="Retries"/> times, then apply <see cref="Kind"/>.
/// Written in config as <c>policy: required | best_effort</c> and <c>retry: N</c>.
/// </summary>
public sealed record FailurePolicy(PolicyKind Kind, int Retries = 0)
{
    public static FailurePolicy Required { get; } = new(PolicyKind.Required);

    public static FailurePolicy BestEffort { get; } = new(PolicyKind.BestEffort);

    public static FailurePolicy RetryThenBestEffort(int retries) => new(PolicyKind.BestEffort, retries);

    /// <summary>The policy as shown in reports: <c>required</c>, <c>best_effort</c>, <c>retry:1/best_effort</c>.</summary>
    public override string ToString()
    {
        var kind = Kind == PolicyKind.Required ? "required" : "best_effort";
        return Retries > 0 ? $"retry:{Retries}/{kind}" : kind;
    }
}
