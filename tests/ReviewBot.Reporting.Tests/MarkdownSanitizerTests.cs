namespace ReviewBot.Reporting.Tests;

public sealed class MarkdownSanitizerTests
{
    private const string Repo = "https://github.com/acme/analytics";

    [Fact]
    public void Sanitize_RawHtml_IsShownAsText()
    {
        var output = MarkdownSanitizer.Sanitize("Run this: <script>alert(1)</script>\n\n<div onclick=\"x()\">block</div>\n\n<img src=x onerror=alert(1)>", Repo);

        var html = RenderedHtml.Of(output);
        Assert.DoesNotContain("script", RenderedHtml.Tags(html));
        Assert.DoesNotContain("div", RenderedHtml.Tags(html));
        Assert.DoesNotContain("img", RenderedHtml.Tags(html));
        Assert.Contains("&lt;script&gt;", output);
        Assert.Contains("&lt;div onclick", output);
    }

    [Fact]
    public void Sanitize_Image_BecomesItsAltText()
    {
        var output = MarkdownSanitizer.Sanitize("See ![the dbt graph](https://evil.example/track.png) and ![](https://github.com/acme/analytics/x.png).", Repo);

        Assert.Equal("See the dbt graph and image.", output);
    }

    [Fact]
    public void Sanitize_LinkInsideRepository_IsKept()
    {
        var output = MarkdownSanitizer.Sanitize("See [stg_orders](https://github.com/acme/analytics/blob/main/models/stg_orders.sql#L3).", Repo);

        Assert.Equal("See [stg_orders](<https://github.com/acme/analytics/blob/main/models/stg_orders.sql#L3>).", output);
        Assert.Equal(["https://github.com/acme/analytics/blob/main/models/stg_orders.sql#L3"], RenderedHtml.Hrefs(RenderedHtml.Of(output)));
    }

    [Theory]
    [InlineData("[docs](https://evil.example/phish)")]
    [InlineData("[docs](https://github.com/acme/analytics-evil/blob/main/x)")]
    [InlineData("[docs](https://github.com/acme/analytics/../../evil/x)")]
    [InlineData("[docs](https://github.com/acme/analytics/%2e%2e/%2e%2e/evil/x)")]
    [InlineData("[docs](https://github.com.evil.example/acme/analytics/x)")]
    [InlineData("[docs](http://github.com/acme/analytics/x)")]
    [InlineData("[docs](javascript:alert(1))")]
    [InlineData("[docs](/acme/analytics/x)")]
    [InlineData("[docs][ref]\n\n[ref]: https://evil.example/")]
    [InlineData("<https://evil.example/x>")]
    [InlineData("https://evil.example/x")]
    [InlineData("www.evil.example/x")]
    public void Sanitize_LinkOutsideRepository_BecomesText(string input)
    {
        var output = MarkdownSanitizer.Sanitize(input, Repo);

        Assert.Empty(RenderedHtml.Hrefs(RenderedHtml.Of(output)));
        Assert.NotEmpty(output);
    }

    [Fact]
    public void Sanitize_NoRepository_KeepsNoLinks()
    {
        var output = MarkdownSanitizer.Sanitize("[file](https://github.com/acme/analytics/blob/main/x.sql)", null);

        Assert.Equal("file", output);
    }

    [Theory]
    [InlineData("cc @octocat please", "@octocat")]
    [InlineData("ping @acme/data-platform", "@acme")]
    [InlineData("entity &#64;octocat", "@octocat")]
    [InlineData("emphasis @**octocat**", "@octocat")]
    [InlineData("- @octocat in a list", "@octocat")]
    [InlineData("| who |\n|---|\n| @octocat |", "@octocat")]
    public void Sanitize_Mention_DoesNotNotify(string input, string name)
    {
        var output = MarkdownSanitizer.Sanitize(input, Repo);

        Assert.Empty(RenderedHtml.LiveMentions(RenderedHtml.Of(output)));
        Assert.Contains(name.TrimStart('@'), output);
    }

    [Fact]
    public void Sanitize_EmailAndIssueReference_StayText()
    {
        var output = MarkdownSanitizer.Sanitize("Mail data@acme.example about #123.", Repo);

        Assert.Contains("data@acme.example", output);
        Assert.Contains("#123", output);
    }

    [Fact]
    public void Sanitize_CommonMarkdown_KeepsItsStructure()
    {
        const string input = """
            # Why this matters

            The model **drops** `customer_name`, which *breaks*:

            1. `dim_customers`
            2. the ~~old~~ exposure

            > Keep the column for one release.

            | model | effect |
            |:--|--:|
            | dim_customers | fails |

            ```sql
            select customer_name from {{ ref('stg_customers') }}
            ```
            """;

        var output = MarkdownSanitizer.Sanitize(input, Repo);

        Assert.Equal("""
            ### Why this matters

            The model **drops** `customer_name`, which *breaks*:

            1. `dim_customers`
            2. the ~~old~~ exposure

            > Keep the column for one release.

            | model | effect |
            | :-- | --: |
            | dim_customers | fails |

            ```sql
            select customer_name from {{ ref('stg_customers') }}
            ```
            """.ReplaceLineEndings("\n"), output);
    }

    [Fact]
    public void Sanitize_CodeBlockContainingFences_CannotEscapeIt()
    {
        var output = MarkdownSanitizer.Sanitize("````\n```\n<img src=x>\n```\n````", Repo);

        Assert.StartsWith("````\n", output);
        Assert.DoesNotContain("img", RenderedHtml.Tags(RenderedHtml.Of(output)));
    }

    [Fact]
    public void Sanitize_LongText_IsClippedAtAWordBoundary()
    {
        var input = string.Join(' ', Enumerable.Repeat("lineage", 400));

        var output = MarkdownSanitizer.Sanitize(input, Repo, maxLength: 100);

        Assert.True(output.Length <= 100, $"{output.Length} characters");
        Assert.EndsWith("lineage…", output);
    }

    [Fact]
    public void Sanitize_ClipsWholeBlocksBeforeCuttingOne()
    {
        var output = MarkdownSanitizer.Sanitize("First paragraph.\n\nSecond paragraph is much longer than the room left for it.", Repo, maxLength: 40);

        Assert.StartsWith("First paragraph.\n\nSecond", output);
        Assert.EndsWith("…", output);
        Assert.True(output.Length <= 40);
    }

    [Fact]
    public void Sanitize_HostileInputs_NeverExceedLimitOrLeakHtmlLinksOrMentions()
    {
        string[] fragments =
        [
            "<script>x</script>", "![a](https://evil.example/i.png)", "[b](https://evil.example)", "@octocat", "&#64;hubot",
            "**bold**", "`code`", "```\nfence\n```", "> quote", "- item", "1. one", "| a | b |\n|---|---|\n| c | d |", "#42",
            "https://evil.example/x", "<!-- hidden -->", "\u202Eevil\u202C", "[c](https://github.com/acme/analytics/pull/1)", "\n\n", "\\", "~~s~~",
        ];
        var random = new Random(7);
        for (var i = 0; i < 300; i++)
        {
            var input = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => fragments[random.Next(fragments.Length)] + (random.Next(3) == 0 ? "\n" : " ")));
            var max = random.Next(20, 600);

            var output = MarkdownSanitizer.Sanitize(input, Repo, max);

            var html = RenderedHtml.Of(output);
            Assert.True(output.Length <= max, $"{output.Length} > {max} for {input}");
            Assert.DoesNotContain(RenderedHtml.Tags(html), t => t is "script" or "img" or "iframe");
            Assert.All(RenderedHtml.Hrefs(html), href => Assert.StartsWith(Repo + "/", href));
            Assert.True(RenderedHtml.LiveMentions(html).Count == 0, $"live mention in {output}");
            Assert.DoesNotContain('\u202E', output);
        }
    }
}

public sealed class MarkdownSanitizerNestingTests
{
    [Theory]
    [InlineData(">", " ")]
    [InlineData("- ", "")]
    [InlineData("*", "")]
    [InlineData("[", "")]
    [InlineData("**a ", "")]
    [InlineData("> - ", "")]
    public void Sanitize_DeeplyNestedInput_ReturnsBoundedText(string opener, string separator)
    {
        var input = string.Concat(Enumerable.Repeat(opener + separator, 3_000)) + "deep @octocat <b>x</b>";

        var output = MarkdownSanitizer.Sanitize(input, "https://github.com/acme/analytics", 20_000);

        Assert.True(output.Length <= 20_000);
        var html = RenderedHtml.Of(output);
        Assert.DoesNotContain("b", RenderedHtml.Tags(html));
        Assert.Empty(RenderedHtml.LiveMentions(html));
    }
}
