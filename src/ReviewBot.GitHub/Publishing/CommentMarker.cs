namespace ReviewBot.GitHub.Publishing;

/// <summary>The hidden marker the consolidated comment is found by.</summary>
public static class CommentMarker
{
    /// <summary>Same text as <c>ReviewBot.Reporting.CommentRenderer.Marker</c>.</summary>
    public const string Value = "<!-- reviewbot:comment -->";
}
