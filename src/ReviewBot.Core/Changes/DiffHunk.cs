namespace ReviewBot.Core.Changes;

/// <summary>One <c>@@ -a,b +c,d @@</c> hunk of a file diff.</summary>
public sealed record DiffHunk(int BaseStart, int BaseCount, int HeadStart, int HeadCount, string Section, IReadOnlyList<DiffLine> Lines);
