namespace ReviewBot.Core.Changes;

/// <summary>
/// A snapshot that can say which files the review asked it for but could not provide: unchanged files the
/// repository archive lacks (<c>export-ignore</c> in <c>.gitattributes</c>) and that could not be read one by one, or
/// files past the snapshot's byte budget. The review read the change without them (downstream models, tests,
/// properties), so the report lists them and the gate treats them as not analysed.
/// </summary>
public interface IContextGaps
{
    /// <summary>Files asked for and not provided, with why; empty when nothing was missing.</summary>
    IReadOnlyCollection<SkippedFile> UnreadContext { get; }
}
