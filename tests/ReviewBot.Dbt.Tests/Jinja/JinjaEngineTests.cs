using ReviewBot.Dbt.Jinja;

namespace ReviewBot.Dbt.Tests.Jinja;

public sealed class JinjaEngineTests
{
    private static string R(string template, Dictionary<string, object?>? vars = null)
    {
        var result = JinjaEngine.Render(template, vars);
        Assert.True(result.Error is null, $"error: {result.Error} (line {result.ErrorLine})");
        return result.Text!;
    }

    [Theory]
    [InlineData("a {{ 1 + 2 }} b", "a 3 b")]
    [InlineData("{{ 'x' ~ 1 ~ none }}", "x1None")]
    [InlineData("{{ 7 // 2 }} {{ 7 / 2 }} {{ 7 % 3 }} {{ 2 ** 10 }} {{ -7 // 2 }}", "3 3.5 1 1024 -4")]
    [InlineData("{{ [1, 2, 3][1:] }} {{ 'abcdef'[::-1] }} {{ [1,2,3][-1] }}", "[2, 3] fedcba 3")]
    [InlineData("{{ {'a': 1, 'b': [1, 'x']} }}", "{'a': 1, 'b': [1, 'x']}")]
    [InlineData("{{ 'yes' if 1 in [1, 2] else 'no' }} {{ 'yes' if 3 not in [1, 2] else 'no' }}", "yes yes")]
    [InlineData("{{ 'a' if false }}|", "|")]
    [InlineData("{{ not true or false and true }}", "False")]
    [InlineData("{{ 1 < 2 and 'b' > 'a' }}", "True")]
    [InlineData("{{ true }} {{ True }} {{ none }} {{ 1.0 }} {{ 0.5 * 2 }}", "True True None 1.0 1.0")]
    [InlineData("{{ \"it's\" }} {{ 'a\\'b' }} {{ 'x' 'y' }}", "it's a'b xy")]
    public void Expressions_FollowJinjaSemantics(string template, string expected) => Assert.Equal(expected, R(template));

    [Theory]
    [InlineData("a  {%- if true %} b {% endif -%}  c", "a b c")]
    [InlineData("a\n  {{- 'x' -}}\n  b", "ax" + "b")]
    [InlineData("a {# comment {{ x }} #} b", "a  b")]
    [InlineData("a\n{#- trimmed -#}\nb", "ab")]
    [InlineData("{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}")]
    [InlineData("{%- raw -%}  {{x}}  {%- endraw -%}", "{{x}}")]
    [InlineData("line\n", "line")]
    [InlineData("line\n\n", "line\n")]
    [InlineData("a\r\nb", "a\nb")]
    public void WhitespaceControlCommentsAndRaw_MatchJinja(string template, string expected) => Assert.Equal(expected, R(template));

    [Fact]
    public void If_ElifElse_TakesFirstTrueBranch()
    {
        const string t = "{% for x in [1, 2, 3] %}{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %},{% endfor %}";
        Assert.Equal("one,two,many,", R(t));
    }

    [Fact]
    public void For_LoopVariablesAndElse()
    {
        const string t = "{% for c in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ c }}{% if not loop.last %},{% endif %}{% if loop.first %}^{% endif %}{% endfor %}|{% for x in [] %}x{% else %}empty{% endfor %}";
        Assert.Equal("10" + "3a,^21" + "2b,32" + "1c|empty", R(t));
    }

    [Fact]
    public void For_UnpacksItemsFiltersAndCycles()
    {
        const string t = "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}{% for x in range(5) if x is odd %}{{ x }}{{ loop.length }}{{ loop.cycle('-', '+') }}{% endfor %}";
        Assert.Equal("a=1;b=2;12-32+", R(t));
    }

    [Fact]
    public void Set_InLoopDoesNotLeakButNamespaceDoes()
    {
        const string t = "{% set n = 0 %}{% set ns = namespace(total=0) %}{% for i in [1, 2, 3] %}{% set n = n + i %}{% set ns.total = ns.total + i %}{% endfor %}{{ n }} {{ ns.total }}";
        Assert.Equal("0 6", R(t));
    }

    [Fact]
    public void SetBlock_CapturesAndFilters()
    {
        Assert.Equal("[SELECT 1]", R("{% set q | upper %}select {{ 1 }}{% endset %}[{{ q }}]"));
        Assert.Equal("a, b", R("{% set a, b = 'a', 'b' %}{{ a }}, {{ b }}"));
    }

    [Fact]
    public void Macro_DefaultsKwargsVarargsAndReturn()
    {
        const string t = """
            {%- macro m(a, b='B', c=none) -%}{{ a }}{{ b }}{{ c }}|{{ varargs }}|{{ kwargs }}{%- endmacro -%}
            {%- macro r(x) -%}ignored{{ return(x * 2) }}more{%- endmacro -%}
            {{ m(1) }};{{ m(1, c='C') }};{{ m(1, 2, 3, 4, z=5) }};{{ r(21) + 1 }}
            """;
        Assert.Equal("1BNone|[]|{};1BC|[]|{};123|[4]|{'z': 5};43", R(t));
    }

    [Fact]
    public void CallBlock_PassesCallerWithArguments()
    {
        const string t = "{% macro wrap(tag) %}<{{ tag }}>{{ caller('x') }}</{{ tag }}>{% endmacro %}{% call(v) wrap('b') %}[{{ v }}]{% endcall %}";
        Assert.Equal("<b>[x]</b>", R(t));
    }

    [Fact]
    public void DoFilterAndWith_Work()
    {
        const string t = "{% set l = [] %}{% do l.append(1) %}{% do l.extend([2, 3]) %}{{ l }}{% filter upper %}abc{% endfilter %}{% with x = 5 %}{{ x }}{% endwith %}{{ x is defined }}";
        Assert.Equal("[1, 2, 3]ABC5False", R(t));
    }

    [Theory]
    [InlineData("{{ 'AbC'|lower }}{{ 'abc'|upper }}{{ '  x '|trim }}{{ 'a-b'|replace('-', '_') }}", "abcABCxa_b")]
    [InlineData("{{ ['a', 'b']|join(', ') }} {{ x|default('d') }} {{ ''|default('e', true) }} {{ [1,2]|length }}", "a, b d e 2")]
    [InlineData("{{ [3, 1, 2]|sort }} {{ [1, 1, 2]|unique|list }} {{ [1, 2]|first }}{{ [1, 2]|last }} {{ '42'|int + 1 }} {{ 3|string ~ 'x' }}", "[1, 2, 3] [1, 2] 12 43 3x")]
    [InlineData("{{ {'b': 1, 'a': [true, none]}|tojson }} {{ '%s-%05.1f'|format('x', 3.14159) }}", "{\"b\": 1, \"a\": [true, null]} x-003.1")]
    [InlineData("{{ ['A', 'B']|map('lower')|join }} {{ [{'n': 1}, {'n': 2}]|map(attribute='n')|list }} {{ [1, 2, 3, 4]|select('even')|list }} {{ [1, none]|reject('none')|list }}", "ab [1, 2] [2, 4] [1]")]
    [InlineData("{{ [{'n': 1, 'k': true}, {'n': 2}]|selectattr('k')|map(attribute='n')|list }} {{ [1, 2, 3]|sum }} {{ 'a\nb'|indent(2) }}", "[1] 6 a\n  b")]
    public void Filters_MatchJinja(string template, string expected) => Assert.Equal(expected, R(template));

    [Theory]
    [InlineData("{{ 'a,b'.split(',') }} {{ 'abc'.startswith('a') }} {{ 'x_{}_{}'.format(1, 'y') }} {{ 'Ab'.upper() }} {{ ' a '.strip() }}", "['a', 'b'] True x_1_y AB a")]
    [InlineData("{{ {'a': 1}.get('a') }} {{ {'a': 1}.get('b', 2) }} {{ {'a': 1}.keys()|list }} {{ {'a': 1}.values()|list }}", "1 2 ['a'] [1]")]
    [InlineData("{% set d = {} %}{% do d.update({'k': 'v'}) %}{{ d }} {{ d.k }} {{ d['k'] }}", "{'k': 'v'} v v")]
    [InlineData("{{ '%s and %s' % ('a', 'b') }} {{ '{:.2f}'.format(1.5) }}", "a and b 1.50")]
    public void Methods_MatchPython(string template, string expected) => Assert.Equal(expected, R(template));

    [Theory]
    [InlineData("{{ x is defined }}{{ none is none }}{{ 'a' is string }}{{ 1 is number }}{{ {} is mapping }}{{ [] is iterable }}{{ 4 is divisibleby 2 }}{{ 1 is not string }}", "FalseTrueTrueTrueTrueTrueTrueTrue")]
    [InlineData("{{ 'a' is in ['a'] }}{{ 2 is eq 2 }}{{ 3 is gt 2 }}{{ 1.5 is float }}{{ 1 is integer }}{{ true is boolean }}", "TrueTrueTrueTrueTrueTrue")]
    public void Tests_MatchJinja(string template, string expected) => Assert.Equal(expected, R(template));

    [Fact]
    public void UndefinedCall_IsUnresolvedOpaqueNotACrash()
    {
        var result = JinjaEngine.Render("select {{ dbt_utils.pivot('x', [1]) }} from t");
        Assert.Equal("select __rb_opaque_1__ from t", result.Text);
        Assert.Equal(["dbt_utils.pivot"], result.Unresolved);
    }

    [Theory]
    [InlineData("{% if x %}", TemplateErrorKind.Syntax, 1)]
    [InlineData("a\n{{ 1 + }}", TemplateErrorKind.Syntax, 2)]
    [InlineData("{% frobnicate %}", TemplateErrorKind.Syntax, 1)]
    [InlineData("a\n\n{{ 'x' - 1 }}", TemplateErrorKind.Runtime, 3)]
    [InlineData("{{ 'unterminated }}", TemplateErrorKind.Syntax, 1)]
    public void BadTemplates_ReportKindAndLine(string template, TemplateErrorKind kind, int line)
    {
        var result = JinjaEngine.Render(template);
        Assert.Null(result.Text);
        Assert.Equal(kind, result.ErrorKind);
        Assert.Equal(line, result.ErrorLine);
    }

    [Fact]
    public void DeepIfNesting_IsALimitNotAStackOverflow()
    {
        var t = string.Concat(Enumerable.Repeat("{% if true %}", 10_000)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", 10_000));
        var result = JinjaEngine.Render(t);
        Assert.Equal(TemplateErrorKind.Limit, result.ErrorKind);
        Assert.Contains("nesting depth limit", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepParentheses_IsALimitNotAStackOverflow()
    {
        var t = "{{ " + new string('(', 10_000) + "1" + new string(')', 10_000) + " }}";
        var result = JinjaEngine.Render(t);
        Assert.Equal(TemplateErrorKind.Limit, result.ErrorKind);
    }

    [Fact]
    public void LongOperatorChains_AreBoundedNotAStackOverflow()
    {
        var t = "{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 200_000)) + " }}{{ " + string.Concat(Enumerable.Repeat("-", 100_000)) + "1 }}";
        var result = JinjaEngine.Render(t);
        Assert.True(result.Text is not null || result.ErrorKind == TemplateErrorKind.Limit, result.Error);
    }

    [Fact]
    public void RecursiveMacro_HitsCallDepthLimit()
    {
        var result = JinjaEngine.Render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        Assert.Equal(TemplateErrorKind.Limit, result.ErrorKind);
        Assert.Contains("macro call depth limit (64)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void HugeLoops_HitIterationLimit()
    {
        var result = JinjaEngine.Render("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}");
        Assert.Equal(TemplateErrorKind.Limit, result.ErrorKind);
        Assert.Contains("loop iteration limit", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputGrowth_HitsOutputLimit()
    {
        var result = JinjaEngine.Render("{% set s = namespace(v='x' * 1000) %}{% for i in range(10000) %}{{ s.v }}{% endfor %}");
        Assert.Equal(TemplateErrorKind.Limit, result.ErrorKind);
        Assert.Contains("output size limit (4 MB)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void WallTime_IsCheckedCooperatively()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(50);
        var result = JinjaEngine.Render("{% for i in range(100000) %}{{ i }}{% endfor %}", time: time);
        Assert.Equal(TemplateErrorKind.Limit, result.ErrorKind);
        Assert.Contains("time limit (2 s)", result.Error, StringComparison.Ordinal);
    }
}

public sealed class JinjaRegressionTests
{
    [Fact]
    public void For_SetInBodyRestartsFromOuterValueEachIteration()
    {
        // Jinja semantics (found on a real project that writes `set fields = fields.append(x)` in a loop).
        var result = JinjaEngine.Render("{% set n = 0 %}{% for a in [1, 2, 3] %}{% set n = n + a %}{{ n }},{% endfor %}{{ n }}");
        Assert.Equal("1,2,3,0", result.Text);
    }

    [Fact]
    public void Literals_HexOctalBinaryAndUnderscores()
    {
        var result = JinjaEngine.Render("{{ 0x1F }} {{ 0b11 }} {{ 0o17 }} {{ 1_000 }}");
        Assert.Equal("31 3 15 1000", result.Text);
    }
}
