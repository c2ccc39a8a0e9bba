using System.Text;

namespace ReviewBot.Cli.Action;

/// <summary>
/// Writes the Action's files (the JSON report, SARIF) into a workspace that holds the pull request's checkout,
/// without ever following a symbolic link: the container runs as root, so a link the pull request committed at
/// <c>.reviewbot/report.json</c> (or at any folder on the way) would otherwise overwrite any file it points at.
/// A path with a link on it is not written; the file goes to a fresh folder under <c>RUNNER_TEMP</c> instead.
/// </summary>
internal static class OutputFiles
{
    /// <summary>Where one file ended up.</summary>
    internal sealed record Written(string Path, string? RefusedLink);

    /// <summary>
    /// Writes <paramref name="text"/> to <paramref name="path"/> (relative to <paramref name="workspace"/>, or absolute).
    /// When an existing component of the path below the workspace (or the file itself) is a symbolic link, the
    /// file is written under <paramref name="fallbackRoot"/> and <see cref="Written.RefusedLink"/> names the link.
    /// </summary>
    public static async Task<Written> WriteAsync(string workspace, string path, string fallbackRoot, string text, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(workspace);
        var full = Path.GetFullPath(Path.Combine(root, path));
        var link = FindLink(root, full);
        if (link is null)
        {
            await WriteNoFollowAsync(full, text, cancellationToken).ConfigureAwait(false);
            return new Written(path, null);
        }

        // A fresh folder of our own: nothing the pull request controls is on this path.
        var folder = Path.Combine(Path.GetFullPath(fallbackRoot), "reviewbot-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, Path.GetFileName(full));
        await WriteNoFollowAsync(target, text, cancellationToken).ConfigureAwait(false);
        return new Written(target, Path.GetRelativePath(root, link));
    }

    /// <summary>
    /// The first symbolic link on <paramref name="full"/>: every existing component below <paramref name="root"/>
    /// when the path is inside it, otherwise the file and its folder. Null when there is none.
    /// </summary>
    internal static string? FindLink(string root, string full)
    {
        var inside = full.StartsWith(Path.TrimEndingDirectorySeparator(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
        var checkedComponents = 0;
        string? found = null;
        for (var current = full; current is not null; current = Path.GetDirectoryName(current))
        {
            if (inside && string.Equals(Path.TrimEndingDirectorySeparator(current), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
            {
                break;
            }

            if (!inside && checkedComponents == 2)
            {
                break;
            }

            checkedComponents++;

            // LinkTarget reads the link itself (lstat): non-null for a link, dangling or not, to a file or a folder.
            if (new FileInfo(current).LinkTarget is not null)
            {
                found = current; // keep walking up: the outermost link is the one to name
            }
        }

        return found;
    }

    /// <summary>
    /// Writes a new file next to <paramref name="path"/> with <see cref="FileMode.CreateNew"/> (O_EXCL, which
    /// never follows a link) and renames it over <paramref name="path"/>: a rename replaces a link that appeared
    /// in the meantime instead of writing through it.
    /// </summary>
    private static async Task WriteNoFollowAsync(string path, string text, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(folder);
            var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            try
            {
                await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    var bytes = new UTF8Encoding(false).GetBytes(text);
                    await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                }

                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReviewBot.Core.InvalidInputException($"cannot write '{path}': {e.Message}", e);
        }
    }
}
