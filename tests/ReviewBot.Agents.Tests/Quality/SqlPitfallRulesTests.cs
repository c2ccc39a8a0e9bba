namespace ReviewBot.Agents.Tests.Quality;

/// <summary>SQL that runs but computes something else, reported on the author's added lines of rendered models.</summary>
public sealed class SqlPitfallRulesTests
{
    private const string Model = "models/marts/customer_rates.sql";

    [Fact]
    public async Task AliasRedefinedThenReadInTheSameSelect_ReportedOnTheReadingLine()
    {
        var result = await Review.RunAsync((Model, "select\n    customer_id,\n    coalesce(number_of_orders, 0) as number_of_orders,\n    number_of_orders * 10 as points\nfrom {{ ref('dim_customers') }}\n"));

        var finding = result.Single("alias-shadows-column");
        Assert.Equal(4, finding.Line);
        Assert.Contains("redefined on line 3", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntegerDivision_OnlyWhereTheWarehouseTruncates()
    {
        const string Sql = "select count(distinct customer_id) / count(*) as repeat_rate\nfrom {{ ref('dim_customers') }}\n";
        var snowflake = await Review.RunAsync((Model, Sql));
        var postgres = await Review.RunAsync(Review.Edit("profiles.yml", "type: snowflake", "type: postgres"), (Model, Sql));

        snowflake.None("integer-division");
        Assert.Equal(1, postgres.Single("integer-division").Line);
    }

    [Fact]
    public async Task BooleanTextComparedWithCapitalisedWord_Reported_LowercaseNot()
    {
        var wrong = await Review.RunAsync((Model, "select customer_id\nfrom {{ ref('dim_customers') }}\nwhere cast(is_active as varchar) = 'True'\n"));
        var right = await Review.RunAsync((Model, "select customer_id\nfrom {{ ref('dim_customers') }}\nwhere cast(is_active as varchar) = 'true'\n"));

        Assert.Equal(3, wrong.Single("boolean-text-comparison").Line);
        right.None("boolean-text-comparison");
    }

    [Fact]
    public async Task PitfallInsideAMacro_NotTheModelsFinding()
    {
        var result = await Review.RunAsync(
            ("macros/rate.sql", "{% macro rate(a, b) %}count({{ a }}) / count({{ b }}){% endmacro %}\n"),
            Review.Edit("profiles.yml", "type: snowflake", "type: postgres"),
            (Model, "select {{ rate('customer_id', '*') }} as r\nfrom {{ ref('dim_customers') }}\n"));

        result.None("integer-division");
    }

    [Fact]
    public async Task UnchangedLine_NotReported()
    {
        var baseFiles = Review.Fixture("shop");
        baseFiles["profiles.yml"] = baseFiles["profiles.yml"].Replace("type: snowflake", "type: postgres", StringComparison.Ordinal);
        baseFiles[Model] = "select count(distinct customer_id) / count(*) as repeat_rate\nfrom {{ ref('dim_customers') }}\n";

        var result = await Review.RunAsync(TestUtils.ChangeSets.FromEdits(baseFiles, new Dictionary<string, string?> { [Model] = baseFiles[Model] + "-- reviewed\n" }));

        result.None("integer-division");
    }
}
