using System.Text;
using Markdig;
using Markdig.Syntax;
using ReviewBot.Reporting.Formatting;

namespace ReviewBot.Reporting;

/// <summary>
/// Makes model-generated Markdown safe to post on GitHub. The text is parsed with Markdig and written back
/// from the syntax tree, so only constructs we emit survive: paragraphs, headings (demoted), emphasis,
/// code, lists, quotes, tables and links into the repository. Raw HTML is shown as text, images become
/// their alt text, links elsewhere become plain text, <c>@mentions</c> do not notify anyone, and the
/// result is clipped to <c>maxLength</c> at a block or word boundary. <c>#123</c> references stay text.
/// </summary>
public static class MarkdownSanitizer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
        .UseAutoLinks()
        .UseTaskLists()
        .Build();

    /// <param name="untrusted">Markdown from a model (or anyone else not trusted).</param>
    /// <param name="repositoryUrl">e.g. <c>https://github.com/acme/analytics</c>; links are kept only under it. Null: no links.</param>
    /// <param name="maxLength">The most characters returned (default 2,000).</param>
    public static string Sanitize(string untrusted, string? repositoryUrl, int maxLength = 2_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (string.IsNullOrWhiteSpace(untrusted))
        {
            return "";
        }

        // Bound the parser's work: nothing past this point could be shown anyway.
        var input = untrusted.Length > (maxLength * 4) + 1_000 ? untrusted[..((maxLength * 4) + 1_000)] : untrusted;
        input = input.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Replace('\0', ' ');

        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(input, Pipeline);
        }
        catch (ArgumentException)
        {
            // Markdig refuses absurdly deep nesting; such text gets no structure at all, only escaped words.
            return ClipPlain(input, maxLength) is { Length: > 0 } plain ? plain : "…";
        }

        var writer = new SanitizingWriter(repositoryUrl);
        var result = new StringBuilder();
        foreach (var block in document)
        {
            var text = writer.Block(block, depth: 0);
            if (text.Length == 0)
            {
                continue;
            }

            var separator = result.Length == 0 ? "" : "\n\n";
            if (result.Length + separator.Length + text.Length <= maxLength)
            {
                result.Append(separator).Append(text);
                continue;
            }

            // The first block that does not fit is cut as plain one-line text at a word boundary.
            var room = maxLength - result.Length - separator.Length;
            if (room >= 2 && ClipPlain(SanitizingWriter.PlainText(block), room) is { Length: > 0 } clipped)
            {
                result.Append(separator).Append(clipped);
            }
            else if (result.Length == 0)
            {
                result.Append('…');
            }

            break;
        }

        return result.ToString();
    }

    /// <summary>The longest escaped prefix of <paramref name="plain"/> (ending in "…") that fits in <paramref name="room"/>.</summary>
    private static string ClipPlain(string plain, int room)
    {
        int low = 0, high = plain.Length;
        var best = "";
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var candidate = MarkdownText.Text(MarkdownText.Clip(plain, middle) is var c && c.Length < plain.Length && !c.EndsWith('…') ? c + "…" : c, lineStart: true);
            if (candidate.Length <= room)
            {
                best = candidate;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return best;
    }
}
