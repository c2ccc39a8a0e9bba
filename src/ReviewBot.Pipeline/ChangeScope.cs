using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Pipeline;

/// <summary>
/// Decides which changed files are reviewed: the configured <c>paths</c>, no binaries, and at most
/// <c>limits.max_files</c>. Everything left out is listed with its reason, never silently dropped.
/// </summary>
internal sealed record ChangeScope(ChangeSet Change, int FilesChanged)
{
    public static ChangeScope Apply(ChangeSet change, ReviewConfig config)
    {
        var reviewed = new List<FileChange>();
        var skipped = new List<SkippedFile>(change.Skipped);
        foreach (var file in change.Files)
        {
            if (!config.Paths.Matches(file.Path))
            {
                skipped.Add(new SkippedFile(file.Path, "outside the configured paths"));
            }
            else if (file.IsBinary)
            {
                skipped.Add(new SkippedFile(file.Path, "binary file"));
            }
            else if (reviewed.Count >= config.Limits.MaxFiles)
            {
                skipped.Add(new SkippedFile(file.Path, $"clipped: the change has more than {config.Limits.MaxFiles:N0} files (limits.max_files)"));
            }
            else
            {
                reviewed.Add(file);
            }
        }

        var filesChanged = change.Files.Count + change.Skipped.Count;
        return new ChangeScope(change with { Files = reviewed, Skipped = skipped }, filesChanged);
    }
}
