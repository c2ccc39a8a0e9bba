using ReviewBot.Agents.Quality;

namespace ReviewBot.Agents.Tests.Quality;

public sealed class PythonSqlFlowTests
{
    private static IReadOnlyList<PythonSqlSink> Find(string code) => PythonSqlFlow.Find(code.Split('\n'));

    [Theory]
    [InlineData("cur.execute(f\"select * from t where id = {x}\")", "an f-string")]
    [InlineData("cur.execute(\"select * from t where id = %s\" % x)", "`%` formatting")]
    [InlineData("cur.execute(\"select * from t where id = '{}'\".format(x))", "`'{}'` placeholders filled by `.format()`")]
    [InlineData("cur.execute(\"select * from t where id = \" + x)", "`+` concatenation")]
    [InlineData("session.execute(text(f\"select * from t where id = {x}\"))", "an f-string")]
    public void Find_DynamicSqlInTheCall_Found(string call, string how)
    {
        var sink = Find($"def f(cur, session, x):\n    {call}\n")[0];

        Assert.Equal((2, how), (sink.Line, sink.How));
    }

    [Fact]
    public void Find_QueryBuiltThenRunLaterInTheSameFunction_BothLinesKnown()
    {
        var sink = Assert.Single(Find("def f(cur, day):\n    sql = f\"delete from t where ds = '{day}'\"\n    log.info('go')\n    cur.execute(sql)\n"));

        Assert.Equal((4, 2), (sink.Line, sink.BuiltLine));
    }

    [Fact]
    public void Find_BuiltInAnotherFunction_NotFollowed()
    {
        Assert.Empty(Find("def a(day):\n    sql = f\"select * from t where ds = '{day}'\"\n    return sql\n\ndef b(cur):\n    sql = 'select 1'\n    cur.execute(sql)\n"));
    }

    [Theory]
    [InlineData("cur.execute(\"select * from t where id = %s\", (x,))")]
    [InlineData("session.execute(text(\"select * from t where id = :id\"), {\"id\": x})")]
    [InlineData("df.query(f\"amount > {x}\")")]
    [InlineData("cur.execute(f\"select count(*) from t\")")]
    [InlineData("log.info(f\"select for {x}\")")]
    public void Find_ParameterisedOrNotSql_Quiet(string call)
    {
        Assert.Empty(Find($"def f(cur, session, df, log, x):\n    {call}\n"));
    }

    [Fact]
    public void Find_AirflowOperatorSqlKeywordAcrossLines_Found()
    {
        var sink = Assert.Single(Find("def t(table):\n    return SQLExecuteQueryOperator(\n        task_id='x',\n        sql=f\"truncate table {table}\",\n    )\n"));

        Assert.Equal("SQLExecuteQueryOperator", sink.Sink);
    }

    [Fact]
    public void Find_TenThousandUnclosedBrackets_BoundedAndNoCrash()
    {
        var code = "cur.execute(" + new string('(', 10_000) + "\n" + string.Concat(Enumerable.Repeat("x\n", 10_000));

        _ = Find(code);
    }
}

public sealed class PythonSqlRuleChangeTests
{
    [Fact]
    public async Task PythonSqlFromStrings_OnlyTheBuildLineAdded_ReportedOnTheBuildLine()
    {
        const string Before = "def export(cursor, day):\n    sql = \"select * from analytics.orders where order_date = %s\"\n    cursor.execute(sql)\n";
        const string After = "def export(cursor, day):\n    sql = \"select * from analytics.orders where order_date = '%s'\" % day\n    cursor.execute(sql)\n";
        var change = ReviewBot.TestUtils.ChangeSets.FromFiles(
            new Dictionary<string, string> { ["etl/export.py"] = Before }, new Dictionary<string, string> { ["etl/export.py"] = After });

        var result = await Review.RunAsync(change);

        var finding = result.Single("python-sql-from-strings");
        Assert.Equal(2, finding.Line);
        Assert.Contains("run by `execute(...)` on line 3", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PythonSwallowedException_ExceptExceptionContinue_Found()
    {
        var result = await Review.RunAsync(("orchestration/dagster/ops.py",
            "def load(rows):\n    for row in rows:\n        try:\n            write(row)\n        except Exception:\n            continue\n"));

        Assert.Equal(5, result.Single("python-swallowed-exception").Line);
    }
}
