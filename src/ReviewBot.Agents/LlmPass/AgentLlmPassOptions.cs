using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;

namespace ReviewBot.Agents.LlmPass;

/// <summary>How an agent's LLM pass slices the change and judges what comes back. Validated on construction of the pass.</summary>
public sealed class AgentLlmPassOptions
{
    public static AgentLlmPassOptions Default { get; } = new();

    /// <summary>
    /// Upper bound of the pre-flight prompt estimate (characters / 4) of one call, system prompt included. Files
    /// are packed into calls up to this size; a file too large for one call is split by hunk, a hunk too large is
    /// clipped. Default 6,000.
    /// </summary>
    public int MaxPromptTokensPerCall { get; init; } = 6_000;

    /// <summary>Calls one agent may make per run (repair retries excluded); what does not fit is listed as not seen. Default 3.</summary>
    public int MaxCallsPerAgent { get; init; } = 3;

    /// <summary>A finding whose line is this close to a changed line of the same hunk is moved there; farther ones are dropped. Default 3.</summary>
    public int ReanchorDistance { get; init; } = 3;

    /// <summary>Findings the model is less sure of than this (0 to 1) are dropped. Default 0.5.</summary>
    public double MinConfidence { get; init; } = 0.5;

    /// <summary>
    /// Context lines kept on each side of a change inside a hunk (git gives three); the head line numbers keep the
    /// gaps visible. Default 2.
    /// </summary>
    public int ContextLines { get; init; } = 2;

    /// <summary>
    /// Which files of the slice the agent's LLM role is shown (the agent's name, null when it cannot be told).
    /// Default <see cref="LlmFocus.Includes"/>.
    /// </summary>
    public Func<AgentName?, FileChange, bool>? Focus { get; init; }

    /// <summary>Longer diff lines (minified SQL, JSON blobs) are clipped to this many characters. Default 400.</summary>
    public int MaxLineLength { get; init; } = 400;

    /// <summary>
    /// Which files the model sees first when not everything fits: higher first. Default: SQL, Python and YAML before
    /// other files, then smaller changes first so more files are seen, then by path.
    /// </summary>
    public Func<FileChange, int>? Priority { get; init; }

    internal void Validate()
    {
        if (MaxPromptTokensPerCall < 500)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPromptTokensPerCall), MaxPromptTokensPerCall, "At least 500 tokens per call.");
        }

        if (MaxCallsPerAgent < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCallsPerAgent), MaxCallsPerAgent, "At least one call.");
        }

        if (ContextLines < 0 || ReanchorDistance < 0 || MinConfidence is < 0 or > 1 || MaxLineLength < 40)
        {
            throw new ArgumentOutOfRangeException(nameof(ReanchorDistance), "ContextLines >= 0, ReanchorDistance >= 0, MinConfidence in [0, 1], MaxLineLength >= 40.");
        }
    }
}
