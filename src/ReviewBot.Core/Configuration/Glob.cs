using System.Text;
using System.Text.RegularExpressions;

namespace ReviewBot.Core.Configuration;

/// <summary>
/// A path glob: <c>**</c> any number of folders, <c>*</c> any characters but '/', <c>?</c> one character.
/// A pattern without '/' matches the file name in any folder (<c>*.sql</c>), as .gitignore does.
/// </summary>
public sealed class Glob
{
    private readonly Regex _regex;

    public Glob(string pattern)
    {
        Pattern = pattern;
        // "./models/**" and "/models/**" both mean "from the repository root".
        var trimmed = pattern.StartsWith("./", StringComparison.Ordinal) ? pattern[2..] : pattern;
        var body = trimmed.Contains('/', StringComparison.Ordinal) ? trimmed.TrimStart('/') : "**/" + trimmed;
        var sb = new StringBuilder("^");
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '*' && i + 1 < body.Length && body[i + 1] == '*')
            {
                var slash = i + 2 < body.Length && body[i + 2] == '/';
                sb.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*')
            {
                sb.Append("[^/]*");
            }
            else if (c == '?')
            {
                sb.Append("[^/]");
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
            }
        }

        // A folder pattern ("models/legacy" or "models/legacy/") matches everything below it.
        // Paths come from the pull request: NonBacktracking keeps matching linear in the path length.
        sb.Append("(?:/.*)?$");
        _regex = new Regex(sb.ToString().Replace("/(?:/.*)?$", "(?:/.*)?$", StringComparison.Ordinal), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
    }

    public string Pattern { get; }

    public bool IsMatch(string path) => _regex.IsMatch(path);

    public override string ToString() => Pattern;
}

/// <summary>Include/exclude globs. Empty include means everything; exclude wins.</summary>
public sealed class PathFilter
{
    public static PathFilter All { get; } = new();

    public IReadOnlyList<Glob> Include { get; init; } = [];

    public IReadOnlyList<Glob> Exclude { get; init; } = [];

    public bool Matches(string path) =>
        (Include.Count == 0 || Include.Any(g => g.IsMatch(path))) && !Exclude.Any(g => g.IsMatch(path));
}
