using System.Text;

namespace ReviewBot.Cli.Action;

/// <summary>
/// GitHub Actions workflow commands (<c>::warning file=...::message</c>, <c>::add-mask::</c>) and the
/// environment files (<c>GITHUB_OUTPUT</c>, <c>GITHUB_STEP_SUMMARY</c>), escaped as the runner expects.
/// </summary>
internal sealed class WorkflowCommands(TextWriter stdout)
{
    public void Mask(string secret)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            stdout.WriteLine($"::add-mask::{EscapeData(secret)}");
        }
    }

    public void Annotation(string level, string message, string? file = null, int? line = null, int? endLine = null, string? title = null)
    {
        var properties = new List<string>();
        if (file is not null)
        {
            properties.Add($"file={EscapeProperty(file)}");
        }

        if (line is { } l)
        {
            properties.Add($"line={l}");
        }

        if (endLine is { } e)
        {
            properties.Add($"endLine={e}");
        }

        if (title is not null)
        {
            properties.Add($"title={EscapeProperty(title)}");
        }

        var props = properties.Count == 0 ? "" : " " + string.Join(',', properties);
        stdout.WriteLine($"::{level}{props}::{EscapeData(message)}");
    }

    public static void AppendOutput(string? path, string name, string value)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        // The heredoc form is safe for any value; the delimiter cannot occur in it.
        var delimiter = "reviewbot_" + Guid.NewGuid().ToString("N");
        File.AppendAllText(path, $"{name}<<{delimiter}\n{value}\n{delimiter}\n", new UTF8Encoding(false));
    }

    public static void AppendSummary(string? path, string markdown)
    {
        if (!string.IsNullOrEmpty(path))
        {
            File.AppendAllText(path, markdown.EndsWith('\n') ? markdown : markdown + "\n", new UTF8Encoding(false));
        }
    }

    internal static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    internal static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
