namespace ReviewBot.Dbt.Jinja;

/// <summary>
/// Bounds on parsing and rendering one template. Past any of them the template is "not rendered: &lt;which limit&gt;".
/// </summary>
public sealed record TemplateLimits
{
    /// <summary>Nesting of blocks and expressions. Default 100.</summary>
    public int MaxNestingDepth { get; init; } = 100;

    /// <summary>Macro calls in progress at once (recursion included). Default 64.</summary>
    public int MaxMacroCallDepth { get; init; } = 64;

    /// <summary>Loop iterations over the whole render. Default 200,000.</summary>
    public long MaxLoopIterations { get; init; } = 200_000;

    /// <summary>Characters of output of the model (and of any one macro). Default 4 MB.</summary>
    public int MaxOutputChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>Characters of template source. Default 4 MB.</summary>
    public int MaxSourceChars { get; init; } = 4 * 1024 * 1024;

    /// <summary>Evaluation steps over the whole render, a deterministic bound next to the time limit. Default 20 million.</summary>
    public long MaxSteps { get; init; } = 20_000_000;

    /// <summary>Wall time per model, checked cooperatively. Default 2 s.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(2);
}
