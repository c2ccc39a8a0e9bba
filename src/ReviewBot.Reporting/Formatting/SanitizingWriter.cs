using System.Globalization;
using System.Text;
using Markdig.Extensions.Tables;
using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ReviewBot.Reporting.Formatting;

/// <summary>
/// Writes a Markdig syntax tree back as Markdown, emitting only safe constructs and escaping every piece
/// of text. Anything it does not know is written as escaped text, never passed through.
/// </summary>
internal sealed class SanitizingWriter(string? repositoryUrl)
{
    /// <summary>Deeper nesting than this (quotes in lists in quotes...) is flattened to text.</summary>
    private const int MaxDepth = 12;

    private readonly Uri? _repository = ParseRepository(repositoryUrl);

    public string Block(Block block, int depth)
    {
        if (depth > MaxDepth)
        {
            return MarkdownText.Text(PlainText(block), lineStart: true);
        }

        switch (block)
        {
            case HeadingBlock heading:
                return new string('#', Math.Min(6, heading.Level + 2)) + " " + Inlines(heading.Inline, inTable: false, lineStart: false).Trim();
            case ParagraphBlock paragraph:
                return Inlines(paragraph.Inline, inTable: false, lineStart: true).Trim();
            case FencedCodeBlock fenced:
                return Fence(fenced.Lines.ToString(), fenced.Info);
            case CodeBlock code:
                return Fence(code.Lines.ToString(), null);
            case HtmlBlock html:
                return MarkdownText.Text(html.Lines.ToString(), lineStart: true);
            case ThematicBreakBlock:
                return "***";
            case QuoteBlock quote:
                var inner = Children(quote, depth, "\n\n");
                return inner.Length == 0 ? "" : string.Join('\n', inner.Split('\n').Select(l => l.Length == 0 ? ">" : "> " + l));
            case ListBlock list:
                return List(list, depth);
            case Table table:
                return TableText(table);
            case LinkReferenceDefinitionGroup or LinkReferenceDefinition:
                return "";
            case ContainerBlock container:
                return Children(container, depth, "\n\n");
            case LeafBlock leaf when leaf.Inline is not null:
                return Inlines(leaf.Inline, inTable: false, lineStart: true).Trim();
            case LeafBlock leaf:
                return MarkdownText.Text(leaf.Lines.ToString(), lineStart: true);
            default:
                return "";
        }
    }

    /// <summary>The readable text of a block without any Markdown, for clipping.</summary>
    public static string PlainText(Block block) => block switch
    {
        LeafBlock { Inline: { } inline } => PlainInlines(inline),
        LeafBlock leaf => leaf.Lines.ToString(),
        ContainerBlock container => string.Join(' ', container.Select(PlainText).Where(t => t.Length > 0)),
        _ => "",
    };

    private static string PlainInlines(ContainerInline container)
    {
        var text = new StringBuilder();
        foreach (var inline in container)
        {
            text.Append(inline switch
            {
                LiteralInline literal => literal.Content.ToString(),
                CodeInline code => code.Content,
                HtmlEntityInline entity => entity.Transcoded.ToString(),
                LineBreakInline => " ",
                AutolinkInline autolink => autolink.Url,
                HtmlInline html => html.Tag,
                ContainerInline child => PlainInlines(child),
                _ => "",
            });
        }

        return text.ToString();
    }

    private string Children(ContainerBlock container, int depth, string separator) =>
        string.Join(separator, container.Select(b => Block(b, depth + 1)).Where(t => t.Length > 0));

    private string List(ListBlock list, int depth)
    {
        var items = new List<string>();
        var number = list.IsOrdered && int.TryParse(list.OrderedStart, NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? Math.Min(start, 999_999_999) : 1;
        foreach (var child in list)
        {
            var marker = list.IsOrdered ? $"{number.ToString(CultureInfo.InvariantCulture)}." : "-";
            number = Math.Min(number + 1, 999_999_999);
            var content = child is ContainerBlock item ? Children(item, depth, list.IsLoose ? "\n\n" : "\n") : Block(child, depth + 1);
            var indent = new string(' ', marker.Length + 1);
            var lines = content.Split('\n');
            var text = new StringBuilder(marker);
            if (content.Length > 0)
            {
                text.Append(' ').Append(lines[0]);
            }

            foreach (var line in lines.Skip(1))
            {
                text.Append('\n').Append(line.Length == 0 ? "" : indent + line);
            }

            items.Add(text.ToString());
        }

        return string.Join(list.IsLoose ? "\n\n" : "\n", items);
    }

    private string TableText(Table table)
    {
        var rows = table.OfType<TableRow>().ToList();
        if (rows.Count == 0)
        {
            return "";
        }

        var columns = Math.Max(1, rows.Max(r => r.Count));
        var text = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            var cells = rows[r].OfType<TableCell>()
                .Select(cell => string.Join(' ', cell.OfType<LeafBlock>().Select(b => b.Inline is null ? MarkdownText.Text(b.Lines.ToString(), inTable: true) : Inlines(b.Inline, inTable: true, lineStart: false).Trim())))
                .ToList();
            while (cells.Count < columns)
            {
                cells.Add("");
            }

            text.Append("| ").Append(string.Join(" | ", cells.Take(columns))).Append(" |\n");
            if (r == 0)
            {
                var alignments = Enumerable.Range(0, columns).Select(c =>
                    c < table.ColumnDefinitions.Count ? table.ColumnDefinitions[c].Alignment switch
                    {
                        TableColumnAlign.Center => ":-:",
                        TableColumnAlign.Right => "--:",
                        TableColumnAlign.Left => ":--",
                        _ => "---",
                    } : "---");
                text.Append("| ").Append(string.Join(" | ", alignments)).Append(" |\n");
            }
        }

        return text.ToString().TrimEnd('\n');
    }

    private string Inlines(ContainerInline? container, bool inTable, bool lineStart)
    {
        var text = new StringBuilder();
        if (container is not null)
        {
            AppendInlines(text, container, inTable, lineStart);
        }

        return text.ToString();
    }

    private void AppendInlines(StringBuilder text, ContainerInline container, bool inTable, bool lineStart)
    {
        foreach (var inline in container)
        {
            var atLineStart = (lineStart && text.Length == 0) || (text.Length > 0 && text[^1] == '\n');
            switch (inline)
            {
                case LiteralInline literal:
                    text.Append(MarkdownText.Inline(literal.Content.ToString(), inTable, atLineStart));
                    break;
                case CodeInline code:
                    text.Append(MarkdownText.Code(code.Content, inTable));
                    break;
                case HtmlEntityInline entity:
                    text.Append(MarkdownText.Inline(entity.Transcoded.ToString(), inTable, atLineStart));
                    break;
                case HtmlInline html:
                    text.Append(MarkdownText.Inline(html.Tag, inTable, atLineStart));
                    break;
                case LineBreakInline lineBreak:
                    text.Append(inTable ? " " : lineBreak.IsHard ? "\\\n" : "\n");
                    break;
                case TaskList task:
                    text.Append(task.Checked ? "[x] " : "[ ] ");
                    break;
                case AutolinkInline autolink:
                    text.Append(autolink.IsEmail
                        ? MarkdownText.Inline(autolink.Url, inTable, atLineStart)
                        : LinkTo(autolink.Url) is { } safe ? $"[{MarkdownText.Inline(autolink.Url, inTable, false)}](<{safe}>)" : MarkdownText.Code(autolink.Url, inTable));
                    break;
                case LinkInline { IsImage: true } image:
                    var alt = Inlines(image, inTable, atLineStart).Trim();
                    text.Append(alt.Length > 0 ? alt : "image");
                    break;
                case LinkInline link:
                    var label = Inlines(link, inTable, atLineStart).Trim();
                    if (LinkTo(link.Url) is { } target)
                    {
                        text.Append('[').Append(label.Length > 0 ? label : MarkdownText.Code(target, inTable)).Append("](<").Append(target).Append(">)");
                    }
                    else
                    {
                        text.Append(link.IsAutoLink || label.Length == 0 ? MarkdownText.Code(link.Url ?? "", inTable) : label);
                    }

                    break;
                case EmphasisInline emphasis:
                    var inner = Inlines(emphasis, inTable, atLineStart);
                    var delimiter = emphasis.DelimiterChar == '~' ? "~~" : new string('*', Math.Clamp(emphasis.DelimiterCount, 1, 2));
                    text.Append(inner.Trim().Length == 0 ? inner : delimiter + inner + delimiter);
                    break;
                case DelimiterInline delimiterInline:
                    text.Append(MarkdownText.Inline(delimiterInline.ToLiteral(), inTable, atLineStart));
                    break;
                case ContainerInline child:
                    AppendInlines(text, child, inTable, atLineStart);
                    break;
                default:
                    break;
            }
        }
    }

    private static string Fence(string content, string? info)
    {
        var clean = new string(content.Where(c => c is '\n' or '\t' || !(char.IsControl(c) || MarkdownText.IsBidiControl(c))).ToArray()).TrimEnd('\n');
        var longest = 0;
        var run = 0;
        foreach (var c in clean)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', Math.Max(3, longest + 1));
        var language = new string((info ?? "").TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '+' or '.' or '#').Take(30).ToArray());
        return $"{fence}{language}\n{clean}\n{fence}";
    }

    /// <summary>The absolute URL to emit when <paramref name="url"/> points inside the repository; null otherwise.</summary>
    private string? LinkTo(string? url)
    {
        if (_repository is null || string.IsNullOrWhiteSpace(url)
            || url.Contains("%2e", StringComparison.OrdinalIgnoreCase) || url.Contains('\\', StringComparison.Ordinal)
            || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme != _repository.Scheme
            || !string.Equals(uri.Host, _repository.Host, StringComparison.OrdinalIgnoreCase)
            || uri.Port != _repository.Port
            || uri.UserInfo.Length > 0)
        {
            return null;
        }

        var root = _repository.AbsolutePath.TrimEnd('/');
        var path = uri.AbsolutePath;
        var inside = path.Equals(root, StringComparison.OrdinalIgnoreCase) || path.StartsWith(root + "/", StringComparison.OrdinalIgnoreCase);
        var target = uri.AbsoluteUri;
        return inside && !target.Any(c => c is '<' or '>' or ' ' or '\n') ? target : null;
    }

    private static Uri? ParseRepository(string? repositoryUrl) =>
        !string.IsNullOrWhiteSpace(repositoryUrl)
        && Uri.TryCreate(repositoryUrl.Trim().TrimEnd('/'), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath.Trim('/').Length > 0
            ? uri
            : null;
}
