namespace ReviewBot.Core.Changes;

/// <summary>
/// Which files are prose (documentation) rather than code, data definitions or configuration. Governance must
/// see every changed text file that is not prose, and clipping at <c>limits.max_files</c> drops prose first.
/// </summary>
public static class FileKinds
{
    private static readonly string[] ProseExtensions = [".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc", ".asciidoc", ".org", ".textile", ".rtf"];

    private static readonly string[] ProseNames = ["LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS", "CONTRIBUTORS", "CODEOWNERS"];

    /// <summary>True for documentation files (Markdown, reStructuredText, plain text, licence files).</summary>
    public static bool IsProse(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (ProseNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        var dot = name.LastIndexOf('.');
        return dot > 0 && ProseExtensions.Contains(name[dot..], StringComparer.OrdinalIgnoreCase);
    }
}
