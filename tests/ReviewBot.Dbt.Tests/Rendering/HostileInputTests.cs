using System.Diagnostics;
using System.Text;
using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Dbt.Tests.Rendering;

/// <summary>Whatever a pull request contains, rendering ends with a result: never an exception, never a hang.</summary>
public sealed class HostileInputTests
{
    private static readonly string[] Pieces =
    [
        "{%", "%}", "{{", "}}", "{%-", "-%}", "{#", "#}", "if", "elif", "else", "endif", "for", "endfor", "in", "x", "y", "loop.index", "(", ")", "[", "]",
        "{", "}", "'", "\"", "macro", "endmacro", "m", "set", "=", "|", "upper", "join", "call", "endcall", "caller()", ".", ",", ":", "-", "~", "+", "*", "**",
        "ref('a')", "source('s', 't')", "config(materialized='table')", "\n", " ", "is", "not", "defined", "none", "raw", "endraw", "return(1)", "0x1F",
        "1e5", "range(10)", "var('v')", "env_var('E')", "is_incremental()", "namespace(a=1)", "do", "filter", "endfilter", "snapshot", "endsnapshot",
        "dbt_utils.star(ref('a'))", "adapter.dispatch('f')()", "run_query('q')", "'a' * 9", "select", "from", "\\", "%", "#",
    ];

    [Fact]
    public void RandomTemplateSoup_AlwaysEndsWithAResult()
    {
        var files = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\nvars:\n  v: 1\n",
            ["macros/f.sql"] = "{% macro default__f() %}f{% endmacro %}{% macro m(a, b=2) %}{{ a }}{{ caller() if caller is defined }}{% endmacro %}",
        };
        var renderer = new DbtRenderer(DbtRepository.Load(new InMemoryFiles(files)));
        var random = new Random(20261205);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 3000; i++)
        {
            var sb = new StringBuilder();
            var count = random.Next(1, 60);
            for (var k = 0; k < count; k++)
            {
                sb.Append(Pieces[random.Next(Pieces.Length)]).Append(random.Next(3) == 0 ? " " : string.Empty);
            }

            var result = renderer.Render("models/fuzz.sql", sb.ToString());
            Assert.NotNull(result);
            Assert.True(result.Status != RenderStatus.NotRendered || result.Reason is { Length: > 0 }, sb.ToString());
            Assert.DoesNotContain("renderer error", result.Reason ?? string.Empty, StringComparison.Ordinal);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("{{ [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ }}")]
    [InlineData("{% macro a() %}{% call a() %}x{% endcall %}{% endmacro %}{{ a() }}")]
    [InlineData("{% set l = [1] %}{% for i in range(30) %}{% set l = l + l %}{% endfor %}{{ l|length }}")]
    [InlineData("{{ 'x' * 100000000 }}")]
    [InlineData("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")]
    [InlineData("{{ x" + ".y" + ".y" + ".y" + " }}{% raw %}")]
    public void Adversarial_IsNotRenderedOrRendered_NeverThrows(string template)
    {
        var renderer = new DbtRenderer(DbtRepository.Load(new InMemoryFiles(new Dictionary<string, string> { ["dbt_project.yml"] = "name: p\n" })));
        var result = renderer.Render("models/a.sql", template);
        Assert.DoesNotContain("renderer error", result.Reason ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void LongAttributeAndFilterChains_AreBounded()
    {
        var renderer = new DbtRenderer(DbtRepository.Load(new InMemoryFiles(new Dictionary<string, string> { ["dbt_project.yml"] = "name: p\n" })));
        var attributes = renderer.Render("models/a.sql", "{{ x" + string.Concat(Enumerable.Repeat(".y", 100_000)) + " }}");
        var filters = renderer.Render("models/b.sql", "{{ 'a'" + string.Concat(Enumerable.Repeat("|upper", 100_000)) + " }}");
        Assert.DoesNotContain("renderer error", attributes.Reason ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("renderer error", filters.Reason ?? string.Empty, StringComparison.Ordinal);
    }
}
