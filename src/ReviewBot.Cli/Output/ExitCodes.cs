namespace ReviewBot.Cli.Output;

/// <summary>Process exit codes (DESIGN.md §4).</summary>
internal static class ExitCodes
{
    /// <summary>The gate passed.</summary>
    public const int Passed = 0;

    /// <summary>The gate failed, or the run is incomplete.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage, bad config or bad input.</summary>
    public const int BadInput = 2;
}
