using System.Globalization;
using System.Text.RegularExpressions;
using ReviewBot.Core.Changes;

namespace ReviewBot.GitHub.Changes;

/// <summary>
/// Parses the <c>patch</c> field of the files API (hunks only, no file headers).
/// TODO(lead): replace with <c>UnifiedDiffParser.ParseHunks</c> once the Core parser is on main.
/// </summary>
internal static partial class PatchHunks
{
    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Header();

    public static IReadOnlyList<DiffHunk> Parse(string patch)
    {
        var hunks = new List<DiffHunk>();
        List<DiffLine>? lines = null;
        int baseStart = 0, baseCount = 0, headStart = 0, headCount = 0, baseLine = 0, headLine = 0;
        string section = "";

        void Flush()
        {
            if (lines is not null)
            {
                hunks.Add(new DiffHunk(baseStart, baseCount, headStart, headCount, section, lines));
            }
        }

        foreach (var raw in patch.Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            var match = Header().Match(line);
            if (match.Success)
            {
                Flush();
                baseStart = Int(match.Groups[1].Value);
                baseCount = match.Groups[2].Success ? Int(match.Groups[2].Value) : 1;
                headStart = Int(match.Groups[3].Value);
                headCount = match.Groups[4].Success ? Int(match.Groups[4].Value) : 1;
                section = match.Groups[5].Value;
                baseLine = baseStart;
                headLine = headStart;
                lines = [];
                continue;
            }

            if (lines is null || raw.Length == 0)
            {
                continue;
            }

            switch (line.Length == 0 ? ' ' : line[0])
            {
                case '+':
                    lines.Add(new DiffLine(DiffLineKind.Added, line[1..], null, headLine++));
                    break;
                case '-':
                    lines.Add(new DiffLine(DiffLineKind.Removed, line[1..], baseLine++, null));
                    break;
                case '\\':
                    if (lines.Count > 0)
                    {
                        lines[^1] = lines[^1] with { NoNewlineAtEnd = true };
                    }

                    break;
                default:
                    lines.Add(new DiffLine(DiffLineKind.Context, line.Length == 0 ? "" : line[1..], baseLine++, headLine++));
                    break;
            }
        }

        Flush();
        return hunks;
    }

    private static int Int(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
