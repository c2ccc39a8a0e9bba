using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Pipeline;

/// <summary>
/// Decides, from the content at head, which changed files can be analysed, before anything is reviewed: one
/// <c>limits.max_file_bytes</c> for every source (the snapshots are told the limit), binary by content (a NUL byte in
/// the first 8,000 bytes) rather than by what the diff or <c>.gitattributes</c> claims, and a changed file missing
/// from the snapshot (an <c>export-ignore</c> archive) is listed as not analysed instead of quietly passing.
/// </summary>
internal static class ContentCheck
{
    public static async Task<ChangeSet> ApplyAsync(ChangeSet change, ReviewConfig config, CancellationToken ct)
    {
        foreach (var snapshot in new[] { change.Base, change.Head })
        {
            if (snapshot is ISizeLimitedSnapshot limited)
            {
                limited.MaxFileBytes = config.Limits.MaxFileBytes;
            }
        }

        var toCheck = change.Files.Where(f => f.Kind != ChangeKind.Deleted && config.Paths.Matches(f.Path)).Select(f => f.Path).ToList();
        if (toCheck.Count == 0)
        {
            return change;
        }

        var absent = await change.Head.ExplainAbsentAsync(toCheck, ct).ConfigureAwait(false);
        var files = new List<FileChange>(change.Files.Count);
        var skipped = new List<SkippedFile>(change.Skipped);
        foreach (var file in change.Files)
        {
            if (file.Kind == ChangeKind.Deleted || !config.Paths.Matches(file.Path))
            {
                files.Add(file);
            }
            else if (absent.TryGetValue(file.Path, out var why))
            {
                if (why.Kind == SkipKind.Binary && file.IsBinary)
                {
                    files.Add(file); // binary by the diff and by content: the scope lists it as binary
                }
                else
                {
                    skipped.Add(why);
                }
            }
            else if (file.IsBinary)
            {
                // The diff said "binary" but the content is text: a .gitattributes (`-diff`, `binary`) or a diff tool
                // hid the change. Nothing of it can be shown, so it is not analysed — never "binary, skipped".
                skipped.Add(new SkippedFile(file.Path, "the diff marks this text file as binary (a .gitattributes `-diff`/`binary` setting?), so its change could not be read"));
            }
            else
            {
                files.Add(file);
            }
        }

        return change with { Files = files, Skipped = skipped };
    }
}
