using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Tests.Parsing;

public sealed class ParserTests
{
    internal static SqlQuery Query(string sql, SqlDialect dialect = SqlDialect.Neutral)
    {
        var result = SqlParser.Parse(sql, dialect);
        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        return Assert.IsType<SqlSelectStatement>(Assert.Single(result.Statements)).Query;
    }

    internal static SqlSelect Select(string sql, SqlDialect dialect = SqlDialect.Neutral) => Assert.IsType<SqlSelect>(Query(sql, dialect).Body);

    [Theory]
    [InlineData("select a, b as c, d e from t", SqlDialect.Neutral)]
    [InlineData("select distinct on (a) a, b from t order by a, b desc nulls last", SqlDialect.Postgres)]
    [InlineData("select a::int, b::varchar(10), c::timestamp with time zone from t", SqlDialect.Postgres)]
    [InlineData("select cast(a as decimal(10, 2)), try_cast(b as int), safe_cast(c as int64) from t", SqlDialect.Neutral)]
    [InlineData("select case when a > 1 then 'x' when a is null then null else 'y' end, case b when 1 then 2 end from t", SqlDialect.Neutral)]
    [InlineData("select count(*), count(distinct a), sum(b) filter (where c > 0) from t group by all", SqlDialect.DuckDB)]
    [InlineData("select row_number() over (partition by a order by b rows between unbounded preceding and current row) from t", SqlDialect.Neutral)]
    [InlineData("select percentile_cont(0.5) within group (order by x), listagg(y, ',') within group (order by y) from t", SqlDialect.Snowflake)]
    [InlineData("select transform(arr, x -> x + 1), filter(arr, (x, i) -> x > i), reduce(arr, 0, (s, x) -> s + x, s -> s) from t", SqlDialect.Databricks)]
    [InlineData("select s.a.b, arr[0], arr[offset(1)], m['k'], col:field.sub, col:\"Quoted\"[0]::string from t", SqlDialect.Neutral)]
    [InlineData("select [1, 2, 3], array[1, 2], {'a': 1, 'b': x}, struct(1 as a, 'x' as b), map {'k': 1} from t", SqlDialect.Neutral)]
    [InlineData("select interval '1 day', interval 3 day, interval '1' day to second, date '2024-01-01' from t", SqlDialect.Neutral)]
    [InlineData("select a from t where b ilike '%x%' and c rlike '^a' and d similar to 'x%' and e not like any ('a', 'b')", SqlDialect.Neutral)]
    [InlineData("select a from t where b is distinct from c and d is not distinct from e and f is not true", SqlDialect.Neutral)]
    [InlineData("select a from t where b between 1 and 2 and c not in (1, 2) and d in (select x from u) and exists (select 1 from v)", SqlDialect.Neutral)]
    [InlineData("select `a`, `my-table`.`b` from `project.dataset.table` as `my-table`", SqlDialect.BigQuery)]
    [InlineData("select \"A\", \"t\".\"b\" from \"DB\".\"SCHEMA\".\"T\" as \"t\"", SqlDialect.Snowflake)]
    [InlineData("select 'it''s', e'\\n', $$dollar 'quoted'$$, $tag$x$tag$ from t", SqlDialect.Postgres)]
    [InlineData("select \"a string\", '''triple''', r'\\d+' from t # comment\n", SqlDialect.BigQuery)]
    [InlineData("select a from t qualify row_number() over (partition by a order by b desc) = 1", SqlDialect.Snowflake)]
    [InlineData("select a, sum(b) from t group by rollup (a), cube (b, c), grouping sets ((a), (b), ())", SqlDialect.Neutral)]
    [InlineData("select a from t order by a limit 10 offset 5", SqlDialect.Neutral)]
    [InlineData("select a from t order by a offset 5 rows fetch first 10 rows only", SqlDialect.Postgres)]
    [InlineData("select top 10 a from t", SqlDialect.Snowflake)]
    [InlineData("select a from t window w as (partition by b order by c) qualify rank() over w = 1", SqlDialect.Neutral)]
    [InlineData("select x -> 'key', x ->> 'key', x #> '{a,b}' from t", SqlDialect.Postgres)]
    [InlineData("select extract(epoch from ts), substring(s from 1 for 2), position('a' in s), trim(both ' ' from s) from t", SqlDialect.Postgres)]
    [InlineData("select array_agg(x ignore nulls order by y limit 1), array(select 1), struct<a int64>(1) from t", SqlDialect.BigQuery)]
    [InlineData("select ts at time zone 'UTC', current_date, current_timestamp from t", SqlDialect.Postgres)]
    [InlineData("select lag(x) ignore nulls over (order by y), first_value(x ignore nulls) over w from t window w as (order by y)", SqlDialect.Neutral)]
    [InlineData("select date_trunc('month', ts) as month, {{ some_macro('x') }} as y from t", SqlDialect.Neutral)]
    [InlineData("select * from t where a = :param and b = ? and c = $1 and d = @p", SqlDialect.Neutral)]
    [InlineData("select a from t /* block /* comment */ -- line\n where b = 1", SqlDialect.Neutral)]
    [InlineData("select a, from t", SqlDialect.DuckDB)]
    [InlineData("values (1, 'a'), (2, 'b')", SqlDialect.Neutral)]
    [InlineData("select from_unixtime(ts), date_format(ts, 'yyyy') from t lateral view explode(arr) e as item", SqlDialect.Databricks)]
    public void Parse_Construct_Succeeds(string sql, SqlDialect dialect)
    {
        var result = SqlParser.Parse(sql, dialect);

        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        Assert.IsType<SqlSelectStatement>(Assert.Single(result.Statements));
    }

    [Fact]
    public void Parse_ProjectionAliasesAndStars_AreKept()
    {
        var select = Select("select a, b as c, d e, t.*, * except (x, y), s.* replace (1 as z) from t, s");

        Assert.Equal(["a", "c", "e"], select.Items.OfType<SqlExpressionItem>().Select(i => i.OutputName));
        var stars = select.Items.OfType<SqlStarItem>().ToList();
        Assert.Equal(3, stars.Count);
        Assert.Equal("t", stars[0].Qualifier!.Text);
        Assert.Equal(["x", "y"], stars[1].Except);
        Assert.Equal("z", Assert.Single(stars[2].Replace).Column);
    }

    [Fact]
    public void Parse_SnowflakeExcludeAndRename_AreKept()
    {
        var select = Select("select * exclude (a, b) rename (c as d) from t", SqlDialect.Snowflake);

        var star = Assert.IsType<SqlStarItem>(Assert.Single(select.Items));
        Assert.Equal(["a", "b"], star.Except);
        Assert.Equal(("c", "d"), (star.Rename[0].From, star.Rename[0].To));
    }

    [Fact]
    public void Parse_Joins_KeepKindsAndConditions()
    {
        var select = Select("select 1 from a inner join b on a.id = b.id left outer join c using (id) natural join d cross join e full join f on true left semi join g on g.x = a.x");

        var joins = new List<SqlJoin>();
        var node = select.From;
        while (node is SqlJoin join)
        {
            joins.Add(join);
            node = join.Left;
        }

        joins.Reverse();
        Assert.Equal([SqlJoinKind.Inner, SqlJoinKind.Left, SqlJoinKind.Inner, SqlJoinKind.Cross, SqlJoinKind.Full, SqlJoinKind.Semi], joins.Select(j => j.Kind));
        Assert.NotNull(joins[0].On);
        Assert.Equal(["id"], joins[1].Using);
        Assert.True(joins[2].Natural);
        Assert.False(joins[3].HasCondition);
    }

    [Fact]
    public void Parse_BigQueryImplicitArrayJoin_IsACommaJoinOnAPathOfTheLeftAlias()
    {
        var select = Select("select o.id, item from `p.d.orders` o, o.items as item, unnest(o.tags) as tag with offset as pos", SqlDialect.BigQuery);

        var outer = Assert.IsType<SqlJoin>(select.From);
        Assert.Equal(SqlJoinKind.Comma, outer.Kind);
        var unnest = Assert.IsType<SqlFunctionTable>(outer.Right);
        Assert.True(unnest.IsArrayExpansion);
        Assert.Equal("pos", unnest.OffsetAlias);
        var inner = Assert.IsType<SqlJoin>(outer.Left);
        Assert.Equal("o.items", Assert.IsType<SqlNamedTable>(inner.Right).Name.Text);
    }

    [Fact]
    public void Parse_SnowflakeLateralFlatten_IsALateralArrayExpansion()
    {
        var select = Select("select f.value:id::string from raw.events e, lateral flatten(input => e.payload:items) f", SqlDialect.Snowflake);

        var join = Assert.IsType<SqlJoin>(select.From);
        var flatten = Assert.IsType<SqlFunctionTable>(join.Right);
        Assert.True(flatten.Lateral);
        Assert.True(flatten.IsArrayExpansion);
        Assert.IsType<SqlNamedArgument>(Assert.Single(flatten.Function.Arguments));
    }

    [Fact]
    public void Parse_TrinoCrossJoinUnnestWithOrdinality_IsKept()
    {
        var select = Select("select t.id, u.x, u.n from t cross join unnest(t.xs) with ordinality as u (x, n)", SqlDialect.Trino);

        var join = Assert.IsType<SqlJoin>(select.From);
        Assert.Equal(SqlJoinKind.Cross, join.Kind);
        var unnest = Assert.IsType<SqlFunctionTable>(join.Right);
        Assert.True(unnest.WithOrdinality);
        Assert.Equal(["x", "n"], unnest.TableAlias!.Columns);
    }

    [Fact]
    public void Parse_WithRecursiveAndSetOperations_AreKept()
    {
        var query = Query("with recursive r (n) as (select 1 union all select n + 1 from r where n < 10), s as (select 2) select n from r union select 2 from s intersect select 3 order by 1 limit 5");

        Assert.True(query.With!.Recursive);
        Assert.Equal(["r", "s"], query.With.Ctes.Select(c => c.Name));
        Assert.Equal(["n"], query.With.Ctes[0].ColumnAliases);
        var union = Assert.IsType<SqlSetOperation>(query.Body);
        Assert.Equal(SqlSetOperator.Union, union.Operator);
        Assert.Equal(SqlSetOperator.Intersect, Assert.IsType<SqlSetOperation>(union.Right).Operator);
        Assert.Single(query.OrderBy);
        Assert.NotNull(query.Limit);
    }

    [Fact]
    public void Parse_Subqueries_AreNested()
    {
        var select = Select("select (select max(x) from u) as m from (select * from (select a from t) x) y where a in (select a from v)");

        Assert.IsType<SqlSubqueryExpression>(Assert.IsType<SqlExpressionItem>(select.Items[0]).Expression);
        var derived = Assert.IsType<SqlDerivedTable>(select.From);
        Assert.Equal("y", derived.Alias);
        Assert.IsType<SqlDerivedTable>(Assert.IsType<SqlSelect>(derived.Query.Body).From);
        Assert.NotNull(Assert.IsType<SqlIn>(select.Where).Query);
    }

    [Fact]
    public void Parse_OpaquePlaceholders_AreValidAsExpressionRelationAndItem()
    {
        var select = Select("select __rb_opaque_1__, a + __rb_opaque_2__ as b from __rb_opaque_3__ join {{ ref('x') }} r on r.id = a");

        Assert.IsType<SqlOpaque>(Assert.IsType<SqlExpressionItem>(select.Items[0]).Expression);
        var join = Assert.IsType<SqlJoin>(select.From);
        Assert.True(Assert.IsType<SqlNamedTable>(join.Left).Name.IsOpaque);
        Assert.True(Assert.IsType<SqlNamedTable>(join.Right).Name.IsOpaque);
    }

    [Fact]
    public void Parse_Spans_PointAtTheTextAndGiveLines()
    {
        const string sql = "select a\nfrom analytics.marts.orders o\nwhere o.x = 1";
        var result = SqlParser.Parse(sql);
        var select = Assert.IsType<SqlSelect>(Assert.IsType<SqlSelectStatement>(result.Statements[0]).Query.Body);
        var table = Assert.IsType<SqlNamedTable>(select.From);

        Assert.Equal("analytics.marts.orders", result.Source.Slice(table.Name.Span));
        Assert.Equal(2, result.Source.LineOf(table.Span.Offset));
        Assert.Equal(3, result.Source.LineOf(select.Where!.Span.Offset));
    }

    [Fact]
    public void Parse_DoubleQuotes_AreStringsInBigQueryAndIdentifiersElsewhere()
    {
        var bigQuery = Select("select \"x\" from t", SqlDialect.BigQuery);
        var snowflake = Select("select \"x\" from t", SqlDialect.Snowflake);

        Assert.IsType<SqlLiteral>(Assert.IsType<SqlExpressionItem>(bigQuery.Items[0]).Expression);
        Assert.IsType<SqlColumnRef>(Assert.IsType<SqlExpressionItem>(snowflake.Items[0]).Expression);
    }

    [Fact]
    public void Parse_BadStatement_IsReportedWithItsLineAndTheNextStillParses()
    {
        var result = SqlParser.Parse("select 1;\nselect from where;\nselect 2 from t");

        Assert.Equal(3, result.Statements.Count);
        Assert.IsType<SqlInvalidStatement>(result.Statements[1]);
        Assert.IsType<SqlSelectStatement>(result.Statements[2]);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(2, diagnostic.Line);
    }

    [Fact]
    public void Parse_UnterminatedString_IsADiagnosticNotACrash()
    {
        var result = SqlParser.Parse("select 'abc from t");

        Assert.Contains("unterminated string", Assert.Single(result.Diagnostics).Message);
    }

    [Theory]
    [InlineData("(", ")", "select ", " from t")]
    [InlineData("(select * from ", ") x", "select * from ", "")]
    [InlineData("case when a then ", " end", "select ", " from t")]
    [InlineData("- ", "", "select ", "1 from t")]
    [InlineData("not ", "", "select * from t where ", "a")]
    [InlineData("coalesce(", ", 1)", "select ", "a from t")]
    [InlineData("(", ")", "select * from ", "t")]
    [InlineData("a in (select ", " from t)", "select * from t where ", "a")]
    public void Parse_TenThousandDeepNesting_EndsInADiagnostic(string open, string close, string prefix, string suffix)
    {
        const int depth = 10_000;
        var sql = prefix + string.Concat(Enumerable.Repeat(open, depth)) + "a" + string.Concat(Enumerable.Repeat(close, depth)) + suffix;

        var result = SqlParser.Parse(sql);

        Assert.IsType<SqlInvalidStatement>(Assert.Single(result.Statements));
        Assert.Contains("nesting", Assert.Single(result.Diagnostics).Message);
    }

    [Fact]
    public async Task Parse_DeepNestingOnASmallStackThread_EndsInADiagnostic()
    {
        var sql = "select " + new string('(', 5000) + "1" + new string(')', 5000);
        SqlParseResult? result = null;
        var thread = new Thread(() => result = SqlParser.Parse(sql), 256 * 1024);
        thread.Start();
        await Task.Run(thread.Join);

        Assert.NotNull(result);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void Parse_FiveMegabyteStatement_Succeeds()
    {
        var sb = new System.Text.StringBuilder("select\n");
        var i = 0;
        while (sb.Length < 5_000_000)
        {
            sb.Append("  case when col_").Append(i).Append(" > 0 then 'positive' else 'other' end as c_").Append(i).Append(",\n");
            i++;
        }

        sb.Append("  1 as last\nfrom t");
        var result = SqlParser.Parse(sb.ToString());

        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        var select = Assert.IsType<SqlSelect>(Assert.IsType<SqlSelectStatement>(result.Statements[0]).Query.Body);
        Assert.Equal(i + 1, select.Items.Count);
    }
}
