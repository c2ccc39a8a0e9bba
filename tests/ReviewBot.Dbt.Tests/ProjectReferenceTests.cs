namespace ReviewBot.Dbt.Tests;

public sealed class ProjectReferenceTests
{
    [Fact]
    public void Dbt_ReadsSqlDialects() => Assert.Contains(ReviewBot.Sql.SqlDialect.Snowflake, Enum.GetValues<ReviewBot.Sql.SqlDialect>());
}
