using System.Globalization;
using System.Text;
using ReviewBot.Dbt.Jinja;

namespace ReviewBot.Dbt.Rendering;

/// <summary>
/// Built-in renderings of dbt's cross-database macros and of well-known dbt_utils macros, used when the repository
/// does not hold their source. They produce SQL of the real shape for the inferred adapter; whatever needs the
/// warehouse (a relation's columns, a number of periods) becomes an opaque placeholder and makes the render partial.
/// </summary>
internal static class DbtBuiltins
{
    public delegate object? Builtin(DbtContext context, Interpreter interpreter, CallArgs args);

    private static string S(object? v) => v is Undefined ? string.Empty : PyOps.ToStr(v);

    public static string Quote(DbtContext context, string identifier) => context.Adapter switch
    {
        "bigquery" or "databricks" or "spark" => $"`{identifier}`",
        _ => $"\"{identifier}\"",
    };

    public static string TypeString(DbtContext c) => c.Adapter switch
    {
        "bigquery" => "string",
        "postgres" or "redshift" => "TEXT",
        "databricks" or "spark" => "string",
        _ => "varchar",
    };

    private static string Concat(DbtContext c, IEnumerable<string> parts) => c.Adapter switch
    {
        "bigquery" or "databricks" or "spark" => $"concat({string.Join(", ", parts)})",
        _ => string.Join(" || ", parts),
    };

    private static string Hash(DbtContext c, string field) => c.Adapter switch
    {
        "bigquery" => $"to_hex(md5(cast({field} as {TypeString(c)})))",
        _ => $"md5(cast({field} as {TypeString(c)}))",
    };

    private static List<object?> Fields(Interpreter i, CallArgs a, string name)
    {
        var first = a.Get(0, name);
        return first is List<object?> list ? list : a.Positional.ToList();
    }

    public static readonly Dictionary<string, Builtin> CrossDatabase = new(StringComparer.Ordinal)
    {
        ["current_timestamp"] = (c, _, _) => c.Adapter == "bigquery" ? "current_timestamp()" : "current_timestamp",
        ["current_timestamp_backcompat"] = (c, _, _) => "current_timestamp",
        ["current_timestamp_in_utc_backcompat"] = (c, _, _) => "current_timestamp",
        ["snapshot_get_time"] = (_, _, _) => "current_timestamp",
        ["dateadd"] = (c, _, a) => c.Adapter switch
        {
            "bigquery" => $"datetime_add(cast({S(a.Get(2, "from_date_or_timestamp"))} as datetime), interval {S(a.Get(1, "interval"))} {S(a.Get(0, "datepart"))})",
            "postgres" => $"{S(a.Get(2, "from_date_or_timestamp"))} + ((interval '1 {S(a.Get(0, "datepart"))}') * ({S(a.Get(1, "interval"))}))",
            "trino" => $"date_add('{S(a.Get(0, "datepart"))}', {S(a.Get(1, "interval"))}, {S(a.Get(2, "from_date_or_timestamp"))})",
            _ => $"dateadd({S(a.Get(0, "datepart"))}, {S(a.Get(1, "interval"))}, {S(a.Get(2, "from_date_or_timestamp"))})",
        },
        ["datediff"] = (c, _, a) => c.Adapter switch
        {
            "bigquery" => $"datetime_diff(cast({S(a.Get(1, "second_date"))} as datetime), cast({S(a.Get(0, "first_date"))} as datetime), {S(a.Get(2, "datepart"))})",
            "trino" => $"date_diff('{S(a.Get(2, "datepart"))}', {S(a.Get(0, "first_date"))}, {S(a.Get(1, "second_date"))})",
            _ => $"datediff({S(a.Get(2, "datepart"))}, {S(a.Get(0, "first_date"))}, {S(a.Get(1, "second_date"))})",
        },
        ["date_trunc"] = (c, _, a) => c.Adapter == "bigquery"
            ? $"timestamp_trunc(cast({S(a.Get(1, "date"))} as timestamp), {S(a.Get(0, "datepart"))})"
            : $"date_trunc('{S(a.Get(0, "datepart"))}', {S(a.Get(1, "date"))})",
        ["last_day"] = (c, _, a) => $"cast(dateadd(day, -1, dateadd({S(a.Get(1, "datepart"))}, 1, date_trunc('{S(a.Get(1, "datepart"))}', {S(a.Get(0, "date"))}))) as date)",
        ["type_string"] = (c, _, _) => TypeString(c),
        ["type_timestamp"] = (c, _, _) => c.Adapter == "snowflake" ? "TIMESTAMP_NTZ" : "timestamp",
        ["type_int"] = (c, _, _) => c.Adapter == "bigquery" ? "int64" : "integer",
        ["type_bigint"] = (c, _, _) => c.Adapter == "bigquery" ? "int64" : "bigint",
        ["type_float"] = (c, _, _) => c.Adapter == "bigquery" ? "float64" : "float",
        ["type_numeric"] = (c, _, _) => c.Adapter == "bigquery" ? "numeric" : "numeric(28,6)",
        ["type_boolean"] = (c, _, _) => c.Adapter == "bigquery" ? "bool" : "boolean",
        ["concat"] = (c, i, a) => Concat(c, Fields(i, a, "fields").Select(S)),
        ["hash"] = (c, _, a) => Hash(c, S(a.Get(0, "field"))),
        ["safe_cast"] = (c, _, a) => c.Adapter is "bigquery" ? $"safe_cast({S(a.Get(0, "field"))} as {S(a.Get(1, "type"))})" : c.Adapter is "snowflake" ? $"try_cast({S(a.Get(0, "field"))} as {S(a.Get(1, "type"))})" : $"cast({S(a.Get(0, "field"))} as {S(a.Get(1, "type"))})",
        ["cast"] = (_, _, a) => $"cast({S(a.Get(0, "field"))} as {S(a.Get(1, "type"))})",
        ["cast_bool_to_text"] = (c, _, a) => $"cast({S(a.Get(0, "field"))} as {TypeString(c)})",
        ["split_part"] = (c, _, a) => $"split_part({S(a.Get(0, "string_text"))}, {S(a.Get(1, "delimiter_text"))}, {S(a.Get(2, "part_number"))})",
        ["listagg"] = (c, _, a) =>
        {
            var measure = S(a.Get(0, "measure"));
            var delimiter = a.Has(1, "delimiter_text") ? S(a.Get(1, "delimiter_text")) : "','";
            var orderBy = a.Get(2, "order_by_clause");
            var sb = new StringBuilder($"listagg({measure}, {delimiter})");
            if (orderBy is string ob && ob.Length > 0)
            {
                sb.Append(" within group (").Append(ob).Append(')');
            }

            return sb.ToString();
        },
        ["any_value"] = (_, _, a) => $"any_value({S(a.Get(0, "expression"))})",
        ["bool_or"] = (_, _, a) => $"bool_or({S(a.Get(0, "expression"))})",
        ["position"] = (_, _, a) => $"position({S(a.Get(0, "substring_text"))} in {S(a.Get(1, "string_text"))})",
        ["replace"] = (_, _, a) => $"replace({S(a.Get(0, "field"))}, {S(a.Get(1, "old_chars"))}, {S(a.Get(2, "new_chars"))})",
        ["right"] = (_, _, a) => $"right({S(a.Get(0, "string_text"))}, {S(a.Get(1, "length_expression"))})",
        ["length"] = (_, _, a) => $"length({S(a.Get(0, "expression"))})",
        ["escape_single_quotes"] = (_, _, a) => S(a.Get(0, "expression")).Replace("'", "''", StringComparison.Ordinal),
        ["string_literal"] = (_, _, a) => $"'{S(a.Get(0, "value"))}'",
        ["except"] = (c, _, _) => c.Adapter == "bigquery" ? "except distinct" : "except",
        ["intersect"] = (c, _, _) => c.Adapter == "bigquery" ? "intersect distinct" : "intersect",
        ["array_construct"] = (_, i, a) => $"array_construct({string.Join(", ", i.Iterate(a.Get(0, "inputs", new List<object?>()), a.Line).Select(S))})",
        ["date"] = (_, _, a) => $"date('{S(a.Get(0, "year"))}-{S(a.Get(1, "month")).PadLeft(2, '0')}-{S(a.Get(2, "day")).PadLeft(2, '0')}')",
    };

    /// <summary>dbt_utils macros rendered by the built-in even when the package is committed (their code queries the warehouse).</summary>
    public static readonly HashSet<string> PreferBuiltin =
    [
        "star", "union_relations", "date_spine", "get_column_values", "get_filtered_columns_in_relation", "get_relations_by_pattern",
        "get_relations_by_prefix", "get_query_results_as_dict", "get_single_value",
    ];

    public static readonly Dictionary<string, Builtin> DbtUtils = new(StringComparer.Ordinal)
    {
        ["generate_surrogate_key"] = (c, i, a) => SurrogateKey(c, i, Fields(i, a, "field_list")),
        ["surrogate_key"] = (c, i, a) => SurrogateKey(c, i, Fields(i, a, "field_list")),
        ["star"] = Star,
        ["union_relations"] = UnionRelations,
        ["date_spine"] = DateSpine,
        ["group_by"] = (_, _, a) => "group by " + string.Join(",", Enumerable.Range(1, (int)Math.Clamp(a.Get(0, "n") is long n ? n : 0, 0, 1000))),
        ["safe_add"] = (_, i, a) => string.Join(" +\n", Fields(i, a, "field_list").Select(f => $"coalesce({S(f)}, 0)")),
        ["safe_subtract"] = (_, i, a) => string.Join(" -\n", Fields(i, a, "field_list").Select(f => $"coalesce({S(f)}, 0)")),
        ["safe_divide"] = (_, _, a) => $"( {S(a.Get(0, "numerator"))} ) / nullif( ( {S(a.Get(1, "denominator"))} ), 0)",
        ["pretty_time"] = (_, i, _) => i.NewOpaque("dbt_utils.pretty_time (run time)"),
        ["log_info"] = (_, _, _) => string.Empty,
        ["get_column_values"] = (_, i, _) => i.NewOpaque("dbt_utils.get_column_values (needs the warehouse)"),
        ["get_filtered_columns_in_relation"] = (_, i, _) => i.NewOpaque("dbt_utils.get_filtered_columns_in_relation (needs the warehouse)"),
        ["get_relations_by_pattern"] = (_, i, _) => i.NewOpaque("dbt_utils.get_relations_by_pattern (needs the warehouse)"),
        ["get_relations_by_prefix"] = (_, i, _) => i.NewOpaque("dbt_utils.get_relations_by_prefix (needs the warehouse)"),
        ["get_query_results_as_dict"] = (_, i, _) => i.NewOpaque("dbt_utils.get_query_results_as_dict (needs the warehouse)"),
        ["get_single_value"] = (_, i, _) => i.NewOpaque("dbt_utils.get_single_value (needs the warehouse)"),
    };

    private static string SurrogateKey(DbtContext c, Interpreter i, List<object?> fields)
    {
        var parts = new List<string>();
        foreach (var field in fields)
        {
            if (parts.Count > 0)
            {
                parts.Add("'-'");
            }

            parts.Add($"coalesce(cast({S(field)} as {TypeString(c)}), '_dbt_utils_surrogate_key_null_')");
        }

        return Hash(c, Concat(c, parts));
    }

    private static object? Star(DbtContext c, Interpreter i, CallArgs a)
    {
        var from = a.Get(0, "from");
        var alias = a.Get(1, "relation_alias");
        var except = i.Iterate(a.Get(2, "except", new List<object?>()), a.Line).Select(S).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var prefix = S(a.Get(3, "prefix", string.Empty));
        var suffix = S(a.Get(4, "suffix", string.Empty));
        var quote = PyOps.Truthy(a.Get(5, "quote_identifiers", true));
        var columns = c.Options.Columns?.Invoke(S(from));
        if (columns is null)
        {
            return i.NewOpaque("dbt_utils.star (the columns come from the warehouse)");
        }

        var items = columns.Where(col => !except.Contains(col)).Select(col =>
        {
            var name = quote ? Quote(c, col) : col;
            var qualified = PyOps.Truthy(alias) ? $"{S(alias)}.{name}" : name;
            return prefix.Length > 0 || suffix.Length > 0 ? $"{qualified} as {(quote ? Quote(c, prefix + col + suffix) : prefix + col + suffix)}" : qualified;
        }).ToList();
        return items.Count == 0 ? "*" : string.Join(",\n  ", items);
    }

    private static object? UnionRelations(DbtContext c, Interpreter i, CallArgs a)
    {
        var relations = i.Iterate(a.Get(0, "relations"), a.Line);
        // source_column_name=None leaves the column out, as dbt_utils does.
        var sourceColumn = a.Get(5, "source_column_name", "_dbt_source_relation") is { } named ? S(named) : null;
        var where = a.Get(6, "where") as string;
        var columns = i.NewOpaque("dbt_utils.union_relations (the columns come from the warehouse)");
        var sb = new StringBuilder();
        for (var k = 0; k < relations.Count; k++)
        {
            if (k > 0)
            {
                sb.Append("\n\nunion all\n\n");
            }

            var relation = S(relations[k]);
            sb.Append("(\n    select\n        ");
            if (sourceColumn is not null)
            {
                sb.Append("cast(").Append('\'').Append(relation.Replace("'", "''", StringComparison.Ordinal)).Append("' as ").Append(TypeString(c)).Append(") as ").Append(sourceColumn).Append(",\n        ");
            }

            sb.Append(columns).Append("\n    from ").Append(relation);
            if (!string.IsNullOrEmpty(where))
            {
                sb.Append("\n    where ").Append(where);
            }

            sb.Append("\n)");
        }

        return sb.ToString();
    }

    private static object? DateSpine(DbtContext c, Interpreter i, CallArgs a)
    {
        var datepart = S(a.Get(0, "datepart"));
        var start = S(a.Get(1, "start_date"));
        var end = S(a.Get(2, "end_date"));
        var series = i.NewOpaque("dbt_utils.date_spine (the number of periods comes from the warehouse)");
        var add = CrossDatabase["dateadd"](c, i, new CallArgs([datepart, "row_number() over (order by 1) - 1", start], CallArgs.NoNamed, a.Line));
        return string.Create(CultureInfo.InvariantCulture, $"""
            with rawdata as (
                select generated_number from {series}
            ),
            all_periods as (
                select (
                    {add}
                ) as date_{datepart}
                from rawdata
            ),
            filtered as (
                select *
                from all_periods
                where date_{datepart} <= {end}
            )
            select * from filtered
            """);
    }
}
