namespace ReviewBot.Sql.Tests;

public sealed class SqlDialectTests
{
    [Fact]
    public void Neutral_IsTheDefault() => Assert.Equal(SqlDialect.Neutral, default(SqlDialect));
}
