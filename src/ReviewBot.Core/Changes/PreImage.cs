namespace ReviewBot.Core.Changes;

/// <summary>
/// The text of a file before a change, rebuilt from its text after the change and the change's hunks (the diff
/// applied in reverse). Used where no base commit exists, so that what a diff changes is read as it was before.
/// </summary>
public static class PreImage
{
    /// <summary>The pre-image of <paramref name="change"/>, or null when the hunks do not fit <paramref name="head"/>.</summary>
    public static string? Rebuild(string head, FileChange change)
    {
        if (change.Kind == ChangeKind.Added)
        {
            return null;
        }

        var lines = head.Split('\n');
        var trailingNewline = head.EndsWith('\n');
        var count = trailingNewline ? lines.Length - 1 : lines.Length;
        var result = new List<string>(count);
        var next = 1; // next head line (1-based) not yet copied
        foreach (var hunk in change.Hunks)
        {
            var firstHead = hunk.Lines.FirstOrDefault(l => l.HeadLine is not null)?.HeadLine ?? hunk.HeadStart + (hunk.HeadCount == 0 ? 1 : 0);
            for (; next < firstHead && next <= count; next++)
            {
                result.Add(lines[next - 1]);
            }

            foreach (var line in hunk.Lines)
            {
                if (line.Kind != DiffLineKind.Removed)
                {
                    if (line.HeadLine is not { } h || h > count || lines[h - 1].TrimEnd('\r') != line.Text.TrimEnd('\r'))
                    {
                        return null; // the diff does not describe this text
                    }

                    next = h + 1;
                }

                if (line.Kind != DiffLineKind.Added)
                {
                    result.Add(line.Text);
                }
            }
        }

        for (; next <= count; next++)
        {
            result.Add(lines[next - 1]);
        }

        return string.Join('\n', result) + (result.Count > 0 ? "\n" : "");
    }
}
