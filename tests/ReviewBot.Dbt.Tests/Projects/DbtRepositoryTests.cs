using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Dbt.Tests.Projects;

public sealed class DbtRepositoryTests
{
    [Fact]
    public void TwoProjectsInOneRepository_EachWithItsVarsMacrosAndAdapter()
    {
        var files = new InMemoryFiles(new Dictionary<string, string>
        {
            ["warehouse/alpha/dbt_project.yml"] = "name: alpha\nprofile: alpha\nvars:\n  region: eu\nmacro-paths: ['macros', '../shared_macros']\n",
            ["warehouse/alpha/models/m.sql"] = "select '{{ var(\"region\") }}' as r, {{ greet() }} as g, {{ common() }} as c",
            ["warehouse/alpha/macros/greet.sql"] = "{% macro greet() %}'hello'{% endmacro %}",
            ["warehouse/shared_macros/common.sql"] = "{% macro common() %}42{% endmacro %}",
            ["warehouse/beta/dbt_project.yml"] = "name: beta\nvars:\n  region: us\nmodel-paths: [transform]\n",
            ["warehouse/beta/transform/m.sql"] = "select '{{ var(\"region\") }}' as r, {{ greet() }} as g",
            ["warehouse/beta/requirements.txt"] = "dbt-core==1.8.0\ndbt-bigquery==1.8.0\n",
            ["profiles.yml"] = "alpha:\n  target: prod\n  outputs:\n    prod:\n      type: redshift\n",
        });
        var repository = DbtRepository.Load(files);
        Assert.Equal(["alpha", "beta"], repository.Projects.Select(p => p.Name).Order());
        var renderer = new DbtRenderer(repository);

        var alpha = renderer.Render("warehouse/alpha/models/m.sql");
        Assert.Equal("select 'eu' as r, 'hello' as g, 42 as c", alpha.Sql);
        Assert.Equal(("alpha", "redshift"), (alpha.ProjectName, alpha.Adapter));

        var beta = renderer.Render("warehouse/beta/transform/m.sql");
        Assert.Equal("select 'us' as r, __rb_opaque_1__ as g", beta.Sql);
        Assert.Equal(["greet"], beta.Unresolved);
        Assert.Equal(("beta", "bigquery"), (beta.ProjectName, beta.Adapter));

        Assert.Equal(["warehouse/alpha/models/m.sql", "warehouse/beta/transform/m.sql"], repository.RenderableFiles().Select(f => f.Path).Order());
    }

    [Fact]
    public void AdapterOverride_WinsAndDefaultIsNeutral()
    {
        var files = new InMemoryFiles(new Dictionary<string, string> { ["dbt_project.yml"] = "name: p\n", ["models/a.sql"] = "select 1" });
        Assert.Equal(AdapterInference.Neutral, DbtRepository.Load(files).AdapterFor(DbtRepository.Load(files).Projects[0]));
        var overridden = DbtRepository.Load(files, "Snowflake");
        Assert.Equal("snowflake", overridden.AdapterFor(overridden.Projects[0]));
        Assert.Equal(ReviewBot.Sql.SqlDialect.Snowflake, AdapterInference.Dialect("snowflake"));
    }

    [Fact]
    public void Render_RecordsEveryMacroItCalled_ThroughDispatchAndNestedCalls()
    {
        // What a macro change reaches: the models whose render called it, however indirectly.
        var files = new InMemoryFiles(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["macros/money.sql"] = "{% macro cents_to_dollars(c) %}{{ return(adapter.dispatch('cents_to_dollars')(c)) }}{% endmacro %}\n"
                + "{% macro default__cents_to_dollars(c) %}{{ round_two(c ~ ' / 100') }}{% endmacro %}\n"
                + "{% macro round_two(x) %}round({{ x }}, 2){% endmacro %}\n"
                + "{% macro unused() %}1{% endmacro %}",
            ["models/a.sql"] = "select {{ cents_to_dollars('amount') }} as dollars from t",
            ["models/b.sql"] = "select amount from t",
        });
        var renderer = new DbtRenderer(DbtRepository.Load(files));

        var a = renderer.Render("models/a.sql");
        var b = renderer.Render("models/b.sql");

        Assert.Equal("select round(amount / 100, 2) as dollars from t", a.Sql);
        Assert.Equal(["cents_to_dollars", "default__cents_to_dollars", "round_two"], a.Macros);
        Assert.Empty(b.Macros);
    }

    [Fact]
    public void MacroFile_WithBrokenTextBetweenBlocks_KeepsItsMacros()
    {
        // A real project separates macros with `{% ##### %}`, which is not Jinja; dbt reads each block on its own.
        var files = new InMemoryFiles(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["macros/m.sql"] = "{% macro one() %}1{% endmacro %}\n\n{% ######## %}\n\n{% macro two() %}2{% endmacro %}",
            ["models/a.sql"] = "select {{ one() }}, {{ two() }}",
        });
        var result = new DbtRenderer(DbtRepository.Load(files)).Render("models/a.sql");
        Assert.Equal("select 1, 2", result.Sql);
        Assert.Equal(RenderStatus.Rendered, result.Status);
    }

    [Fact]
    public void MacroFile_ThousandsOfBlocksAroundABrokenOne_StillLoadsWithinTheBudget()
    {
        // 60,000 one-line macros and one broken block: read block by block, without padding each block by every
        // line above it (that grew with blocks × lines: billions of characters).
        var text = new System.Text.StringBuilder("{% ######## %}\n");
        for (var i = 0; i < 60_000; i++)
        {
            text.Append("{% macro m").Append(i).Append("() %}").Append(i).Append("{% endmacro %}\n");
        }

        var files = new InMemoryFiles(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["macros/many.sql"] = text.ToString(),
            ["models/a.sql"] = "select {{ m0() }}, {{ m59999() }}",
        });
        var result = new DbtRenderer(DbtRepository.Load(files)).Render("models/a.sql");
        Assert.Equal("select 0, 59999", result.Sql);
    }

    [Fact]
    public void MacroFile_LargerThanTheSourceLimit_NotLoadedAndNamed()
    {
        var files = new InMemoryFiles(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["macros/huge.sql"] = "{% macro big() %}1{% endmacro %}\n" + new string('-', DbtRepository.MaxMacroFileChars),
            ["models/a.sql"] = "select {{ big() }}",
        });
        var repository = DbtRepository.Load(files);
        var result = new DbtRenderer(repository).Render("models/a.sql");
        Assert.NotEqual(RenderStatus.Rendered, result.Status);
    }

    [Fact]
    public void LocalPackage_IsANamespace()
    {
        var files = new InMemoryFiles(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: toolkit\n",
            ["macros/double.sql"] = "{% macro double(x) %}{{ x }} * 2{% endmacro %}",
            ["integration_tests/dbt_project.yml"] = "name: toolkit_tests\n",
            ["integration_tests/packages.yml"] = "packages:\n  - local: ../\n",
            ["integration_tests/models/t.sql"] = "select {{ toolkit.double('a') }}",
        });
        var result = new DbtRenderer(DbtRepository.Load(files)).Render("integration_tests/models/t.sql");
        Assert.Equal("select a * 2", result.Sql);
    }

    [Fact]
    public void BrokenProjectFile_IsKeptWithDefaults()
    {
        var files = new InMemoryFiles(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: [unclosed\n",
            ["models/a.sql"] = "select 1",
        });
        var repository = DbtRepository.Load(files);
        Assert.NotNull(repository.Projects[0].Error);
        Assert.Equal("select 1", new DbtRenderer(repository).Render("models/a.sql").Sql);
    }

    [Fact]
    public void DeeplyNestedYaml_IsAnErrorNotACrash()
    {
        var yaml = "vars:\n  x: " + new string('[', 10_000) + new string(']', 10_000) + "\nname: p\n";
        var repository = DbtRepository.Load(new InMemoryFiles(new Dictionary<string, string> { ["dbt_project.yml"] = yaml }));
        Assert.NotNull(repository.Projects[0].Error);
    }
}
