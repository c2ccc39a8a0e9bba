using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Context.Sql;

namespace ReviewBot.Agents.Tests.Context;

/// <summary>
/// A stack overflow cannot be caught in .NET: it ends the Action with the check left in_progress and the App with
/// every queued review. The existing SQL and dbt readers must survive 10,000-deep input and say they gave up.
/// </summary>
public sealed class DeepNestingTests
{
    [Theory]
    [InlineData(3_000)]
    [InlineData(10_000)]
    public void Read_DeeplyNestedSubqueries_ReportsAnIssueInsteadOfOverflowing(int depth)
    {
        var sql = string.Concat(Enumerable.Repeat("select * from (", depth)) + "select 1 as x" + new string(')', depth);

        var facts = SqlFactsReader.Read(sql, ReviewBot.Sql.SqlDialect.Neutral);

        Assert.Equal(SqlCoverage.NotAnalysed, facts.Coverage);
        Assert.Equal(SqlIssueKind.TooDeep, Assert.Single(facts.Issues).Kind);
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public void Read_DeeplyNestedParentheses_ReportsAnIssueInsteadOfOverflowing(int depth)
    {
        var sql = "select " + new string('(', depth) + "1" + new string(')', depth) + " as x from t";

        var facts = SqlFactsReader.Read(sql, ReviewBot.Sql.SqlDialect.Neutral);

        Assert.Equal(SqlIssueKind.TooDeep, Assert.Single(facts.Issues).Kind);
    }

    [Fact]
    public void Read_DeeplyNestedJoins_DoesNotOverflow()
    {
        var sql = "select * from " + string.Concat(Enumerable.Repeat("(t join ", 10_000)) + "u on true" + string.Concat(Enumerable.Repeat(" on true)", 10_000));

        Assert.NotNull(SqlFactsReader.Read(sql, ReviewBot.Sql.SqlDialect.Neutral));
    }

    [Fact]
    public void DbtModel_DeeplyNestedModel_NotRenderedWithTheLimitInsteadOfOverflowing()
    {
        var sql = "{{ config(materialized='table', x=" + new string('(', 10_000) + new string(')', 10_000) + ") }}\n"
            + string.Concat(Enumerable.Repeat("select * from (", 10_000)) + "select 1" + new string(')', 10_000);
        var renderer = new ReviewBot.Dbt.Rendering.DbtRenderer(ReviewBot.Dbt.Projects.DbtRepository.Load(new ReviewBot.Dbt.Projects.InMemoryFiles(new Dictionary<string, string> { ["dbt_project.yml"] = "name: p\n" })));

        var file = DbtModelFiles.FromRendered(renderer.Render("models/deep.sql", sql));

        Assert.Equal(ReviewBot.Dbt.Rendering.RenderStatus.NotRendered, file.Rendered!.Status);
        Assert.Empty(file.Refs);
    }

    [Fact]
    public void PythonModel_DeeplyNestedCall_ReadWithoutOverflowing()
    {
        var text = "def model(dbt, session):\n    dbt.config(materialized='table', x=" + new string('(', 10_000) + new string(')', 10_000) + ")\n    return dbt.ref('a')\n";

        var file = PythonModelReader.Read("models/deep.py", text);

        Assert.Equal("a", Assert.Single(file.Refs).Name);
        Assert.Equal("table", file.Config["materialized"].Text);
    }

    [Fact]
    public void ParseProperties_TenThousandDeepFlowSequence_RefusedNotOverflowed()
    {
        var yaml = "version: 2\nmodels: " + new string('[', 10_000) + new string(']', 10_000) + "\n";

        var file = DbtYaml.ParseProperties("models/deep.yml", yaml);

        Assert.NotNull(file);
    }
}
