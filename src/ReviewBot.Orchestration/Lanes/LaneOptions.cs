using ReviewBot.Core;

namespace ReviewBot.Orchestration.Lanes;

/// <summary>How many agents run at once. Parallel slots are handed out strictly by lane.</summary>
public sealed class LaneOptions
{
    /// <summary>Agents running at once (<c>max_parallel</c>). Default 4, from the config.</summary>
    public int MaxParallel { get; set; } = 4;

    internal void Validate()
    {
        if (MaxParallel < 1)
        {
            throw new InvalidInputException($"max_parallel must be at least 1 (got {MaxParallel}).");
        }
    }
}
