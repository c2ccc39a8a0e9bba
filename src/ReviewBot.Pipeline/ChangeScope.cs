using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Pipeline;

/// <summary>
/// Decides which changed files are reviewed: the configured <c>paths</c> and at most <c>limits.max_files</c>.
/// Everything left out is listed with its reason, never silently dropped. Files the diff calls binary stay in and do
/// not count against <c>max_files</c> (there is no diff of them to review): <see cref="ContentCheck"/> then decides
/// from their first 8,000 bytes whether they are binary (listed) or text a <c>.gitattributes</c> hid (not analysed).
/// </summary>
internal sealed record ChangeScope(ChangeSet Change, int FilesChanged)
{
    public static ChangeScope Apply(ChangeSet change, ReviewConfig config)
    {
        var candidates = new List<FileChange>();
        var skipped = new List<SkippedFile>(change.Skipped);
        foreach (var file in change.Files)
        {
            if (!config.Paths.Matches(file.Path))
            {
                skipped.Add(new SkippedFile(file.Path, "outside the configured paths") { Kind = SkipKind.Excluded });
            }
            else
            {
                candidates.Add(file);
            }
        }

        // Clipping keeps code, data definitions and configuration before prose: 3,000 filler .md files that sort
        // first must not push the one changed model out of the review.
        var kept = new HashSet<FileChange>(
            candidates.Where(f => !f.IsBinary).OrderBy(f => FileKinds.IsProse(f.Path) ? 1 : 0).Take(config.Limits.MaxFiles),
            ReferenceEqualityComparer.Instance);
        var reviewed = new List<FileChange>(kept.Count);
        foreach (var file in candidates)
        {
            if (file.IsBinary || kept.Contains(file))
            {
                reviewed.Add(file);
            }
            else
            {
                skipped.Add(new SkippedFile(file.Path, $"clipped: the change has more than {config.Limits.MaxFiles:N0} reviewable files (limits.max_files)"));
            }
        }

        var filesChanged = change.Files.Count + change.Skipped.Count;
        return new ChangeScope(change with { Files = reviewed, Skipped = skipped }, filesChanged);
    }
}
