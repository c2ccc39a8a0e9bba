using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Pipeline;

/// <summary>
/// Decides, from the content at head, which of the files that will be reviewed can be analysed: one
/// <c>limits.max_file_bytes</c> for every source (the snapshots are told the limit), binary by content (a NUL byte in
/// the first 8,000 bytes) rather than by what the diff or <c>.gitattributes</c> claims, and a changed file missing
/// from the snapshot (an <c>export-ignore</c> archive) or unreadable is listed as not analysed instead of quietly
/// passing. It runs after <see cref="ChangeScope"/>: files outside the paths or clipped at <c>limits.max_files</c> are
/// never opened, and the snapshots look at each file's size and first 8,000 bytes only.
/// </summary>
internal static class ContentCheck
{
    /// <summary>Tells every snapshot the configured per-file limit, before anything is read.</summary>
    public static void SetLimits(ChangeSet change, ReviewConfig config)
    {
        foreach (var snapshot in new[] { change.Base, change.Head })
        {
            if (snapshot is ISizeLimitedSnapshot limited)
            {
                limited.MaxFileBytes = config.Limits.MaxFileBytes;
            }
        }
    }

    public static async Task<ChangeScope> ApplyAsync(ChangeScope scope, CancellationToken ct)
    {
        var change = scope.Change;

        // A file the change source itself called binary (GitHub sends no patch for it, whatever the content) is
        // checked too: a text file without a diff is not analysed, never "binary, skipped".
        var claimedBinary = change.Skipped.Where(s => s.Kind == SkipKind.Binary).Select(s => s.File).ToList();
        var toCheck = change.Files.Where(f => f.Kind != ChangeKind.Deleted).Select(f => f.Path).Concat(claimedBinary).ToList();
        if (toCheck.Count == 0)
        {
            return scope;
        }

        var absent = await change.Head.ExplainAbsentAsync(toCheck, ct).ConfigureAwait(false);
        var files = new List<FileChange>(change.Files.Count);
        var skipped = change.Skipped.Select(s => s.Kind == SkipKind.Binary && !absent.ContainsKey(s.File)
                ? new SkippedFile(s.File, "no diff was given for this text file (a .gitattributes `-diff`/`binary` setting?), so its change could not be read")
                : s)
            .ToList();
        foreach (var file in change.Files)
        {
            if (file.Kind == ChangeKind.Deleted)
            {
                if (file.IsBinary)
                {
                    skipped.Add(new SkippedFile(file.Path, "binary file") { Kind = SkipKind.Binary });
                }
                else
                {
                    files.Add(file);
                }
            }
            else if (absent.TryGetValue(file.Path, out var why))
            {
                skipped.Add(why.Kind == SkipKind.Binary && file.IsBinary ? new SkippedFile(file.Path, "binary file") { Kind = SkipKind.Binary } : why);
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

        return scope with { Change = change with { Files = files, Skipped = skipped } };
    }
}
