using ReviewBot.Core.Agents;

namespace ReviewBot.Agents.Tests.Context;

public sealed class DbtRenderingsTests
{
    [Fact]
    public async Task ChangedModelThatDoesNotRender_IsNotAnalysedWithTheRendererReason()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "    {% endif %}\n", ""));

        var skipped = Assert.Single(result.Outputs[AgentName.Quality].NotAnalysed, s => s.File == "models/marts/fct_orders.sql" && s.Reason.StartsWith("dbt model not rendered", StringComparison.Ordinal));
        Assert.Contains("Jinja syntax error", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangedModelCallingAnAbsentPackageMacro_IsPartialWithTheName()
    {
        var result = await Review.RunAsync(("models/marts/fct_new.sql", "select order_id, {{ dbt_expectations.missing_macro('x') }} as v from {{ ref('stg_orders') }}\n"));

        var partial = Assert.Single(result.Outputs[AgentName.Quality].Partial, p => p.File == "models/marts/fct_new.sql");
        Assert.Equal(["dbt_expectations.missing_macro"], partial.Unresolved);
        Assert.DoesNotContain(result.Outputs[AgentName.Quality].NotAnalysed, s => s.File == "models/marts/fct_new.sql");
    }
}
