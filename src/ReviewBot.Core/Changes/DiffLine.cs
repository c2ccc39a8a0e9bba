namespace ReviewBot.Core.Changes;

/// <summary>The role of a line inside a hunk.</summary>
public enum DiffLineKind
{
    Context,
    Added,
    Removed,
}

/// <summary>
/// One line of a hunk with its line number on each side: <see cref="BaseLine"/> is null for an added
/// line, <see cref="HeadLine"/> is null for a removed line. <see cref="Text"/> has no line terminator.
/// </summary>
public sealed record DiffLine(DiffLineKind Kind, string Text, int? BaseLine, int? HeadLine)
{
    /// <summary>True when git marked this line with <c>\ No newline at end of file</c>.</summary>
    public bool NoNewlineAtEnd { get; init; }
}
