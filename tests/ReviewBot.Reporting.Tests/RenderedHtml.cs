using System.Text.RegularExpressions;
using Markdig;

namespace ReviewBot.Reporting.Tests;

/// <summary>
/// Renders Markdown to HTML the way GitHub would treat it (CommonMark + GFM tables, autolinks, strikethrough)
/// and answers the questions the safety tests ask: which tags, which links, which live @mentions.
/// </summary>
internal static partial class RenderedHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string Of(string markdown) => Markdown.ToHtml(markdown, Pipeline);

    /// <summary>Tag names in the HTML, e.g. "img", "script", "details".</summary>
    public static IReadOnlyList<string> Tags(string html) =>
        TagPattern().Matches(html).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct().ToList();

    public static IReadOnlyList<string> Hrefs(string html) =>
        HrefPattern().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    /// <summary>@names in text outside code that GitHub would turn into notifying mentions.</summary>
    public static IReadOnlyList<string> LiveMentions(string html)
    {
        var text = CodePattern().Replace(html, " ");
        text = System.Net.WebUtility.HtmlDecode(AnyTagPattern().Replace(text, " "));
        return MentionPattern().Matches(text).Select(m => m.Value).ToList();
    }

    [GeneratedRegex(@"<([a-zA-Z][a-zA-Z0-9]*)\b")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\b(?:href|src)=""([^""]*)""")]
    private static partial Regex HrefPattern();

    [GeneratedRegex(@"<code[^>]*>.*?</code>", RegexOptions.Singleline)]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex AnyTagPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9_@/`])@[A-Za-z0-9][A-Za-z0-9-]*")]
    private static partial Regex MentionPattern();
}
