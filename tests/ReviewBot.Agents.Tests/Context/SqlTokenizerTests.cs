using ReviewBot.Agents.Context.Sql;

namespace ReviewBot.Agents.Tests.Context;

public sealed class SqlTokenizerTests
{
    [Fact]
    public void Tokenize_CommentsStringsQuotedIdentifiersAndJinja_ClassifiedWithLines()
    {
        var tokens = SqlTokenizer.Tokenize("select 'it''s -- not a comment', \"Order Id\" -- trailing\n/* block\ncomment */ from {{ ref('a') }} {% if x %}[dbo].[t]{% endif %}");

        Assert.Empty(tokens.Issues);
        Assert.Contains(tokens.All, t => t.Kind == SqlTokenKind.String && t.Text == "'it''s -- not a comment'");
        Assert.Contains(tokens.All, t => t.Kind == SqlTokenKind.QuotedIdentifier && t.Identifier == "Order Id");
        Assert.Contains(tokens.All, t => t.Kind == SqlTokenKind.Comment && t.Line == 1);
        Assert.Contains(tokens.All, t => t.Kind == SqlTokenKind.JinjaExpression && t.Line == 3);
        Assert.Contains(tokens.All, t => t.Kind == SqlTokenKind.JinjaStatement && t.JinjaTag == "endif");
        Assert.DoesNotContain(tokens.Code, t => t.Kind is SqlTokenKind.Comment or SqlTokenKind.JinjaStatement);
    }

    [Theory]
    [InlineData("select 'open", "unterminated string literal")]
    [InlineData("select /* open", "unterminated block comment")]
    [InlineData("select {{ ref('a') ", "unterminated Jinja")]
    [InlineData("{% if a %} select 1", "never closed")]
    [InlineData("select 1 {% endif %}", "never opened")]
    [InlineData("select (1", "never closed")]
    [InlineData("select 1)", "without a matching")]
    [InlineData("{% for x in y %}{% endif %}{% endfor %}", "does not match")]
    public void Tokenize_UnclosedInput_ReportsIssueWithoutThrowing(string sql, string issue)
    {
        var tokens = SqlTokenizer.Tokenize(sql);

        Assert.Contains(tokens.Issues, i => i.Message.Contains(issue, StringComparison.Ordinal));
    }

    [Fact]
    public void Tokenize_SetAssignmentAndRawBlock_AreNotOpenBlocks()
    {
        var tokens = SqlTokenizer.Tokenize("{% set x = 1 %}{% raw %}{% if %}{% endraw %} select {{ x }}");

        Assert.Empty(tokens.Issues);
    }

    [Fact]
    public void Tokenize_DollarQuotedBody_IsOneString()
    {
        var tokens = SqlTokenizer.Tokenize("create function f() returns int as $$ select ( $$ language sql");

        Assert.Empty(tokens.Issues);
        Assert.Contains(tokens.All, t => t.Kind == SqlTokenKind.String && t.Text.StartsWith("$$", StringComparison.Ordinal));
    }

    [Fact]
    public void Tokenize_BinaryGarbage_DoesNotThrow()
    {
        var random = new Random(7);
        var garbage = new string(Enumerable.Range(0, 5_000).Select(_ => (char)random.Next(0, 0x3000)).ToArray());

        var tokens = SqlTokenizer.Tokenize(garbage);
        var facts = SqlAnalyzer.Analyze(garbage);

        Assert.NotNull(tokens);
        Assert.NotNull(facts);
    }
}
