namespace ReviewBot.App;

/// <summary>One line that says why the server could not start.</summary>
internal static class StartupFailure
{
    /// <summary>The innermost useful message, on one line (Kestrel wraps "address already in use" in an IOException).</summary>
    public static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            var line = current.Message.ReplaceLineEndings(" ").Trim();
            if (line.Length > 0 && !messages.Exists(m => m.Contains(line, StringComparison.Ordinal)))
            {
                messages.Add(line);
            }
        }

        var text = string.Join(": ", messages);
        return text.Length <= 500 ? text : text[..497] + "...";
    }
}
