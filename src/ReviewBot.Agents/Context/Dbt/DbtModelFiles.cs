using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// Builds what the graph knows of a model or snapshot file from its rendering (<see cref="DbtRenderer"/>): the refs and
/// sources the render recorded, the <c>config()</c> keys with the lines they were written on, the lines that render
/// only when <c>is_incremental()</c> is true, and the snapshot name. Python models are read by
/// <see cref="PythonModelReader"/> (dbt itself reads them with Python's parser, not Jinja).
/// </summary>
internal static class DbtModelFiles
{
    /// <summary>A ref whose name the render could not know (an unresolved var or macro) renders through a placeholder.</summary>
    private const string Opaque = "__rb_opaque_";

    public static DbtModelFile FromRendered(RenderedModel rendered)
    {
        var refs = new List<DbtRef>(rendered.Refs.Count);
        var dynamic = new List<int>();
        foreach (var call in rendered.Refs)
        {
            if (call.Name.Contains(Opaque, StringComparison.Ordinal) || call.Name.Length == 0)
            {
                dynamic.Add(call.Line);
                continue;
            }

            refs.Add(new DbtRef(call.Name, call.Package, call.Version, call.Line));
        }

        var sources = rendered.Sources
            .Where(s => s.SourceName is not null && !s.Name.Contains(Opaque, StringComparison.Ordinal) && !s.SourceName.Contains(Opaque, StringComparison.Ordinal))
            .Select(s => new DbtSourceRef(s.SourceName!, s.Name, s.Line))
            .ToList();
        var config = new Dictionary<string, ConfigValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in rendered.Config)
        {
            // The last call wins per key, as in dbt.
            config[entry.Key] = new ConfigValue(entry.Repr, entry.Line) { Text = entry.Text, Flat = Flatten(entry.Value) };
        }

        var blocks = rendered.IncrementalBranches
            .Select(b => new IncrementalBlock(b.StartLine, b.EndLine, b.Sql) { LookbackHours = IncrementalWindow.SqlLookbackHours(b.Sql), Filters = IncrementalWindow.SqlFilters(b.Sql) })
            .ToList();
        return new DbtModelFile
        {
            Path = rendered.Path,
            Language = "sql",
            Refs = refs,
            Sources = sources,
            DynamicRefLines = dynamic,
            Config = config,
            IncrementalBlocks = blocks,
            CallsIsIncremental = rendered.UsesIsIncremental,
            SnapshotBlocks = rendered.SnapshotName is { } name ? [(name, SnapshotLine(rendered))] : [],
            Macros = rendered.Macros,
            Rendered = rendered,
        };
    }

    /// <summary>A config value flattened to dotted keys as properties YAML is; depth-bounded (values nest at most a few levels in real configs).</summary>
    internal static Dictionary<string, string> Flatten(object? value)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<(string Prefix, object? Value, int Depth)>();
        pending.Push((string.Empty, value, 0));
        while (pending.Count > 0)
        {
            var (prefix, current, depth) = pending.Pop();
            switch (current)
            {
                case Dictionary<string, object?> dict when depth < 16:
                    foreach (var (key, inner) in dict)
                    {
                        pending.Push((prefix.Length == 0 ? key : prefix + "." + key, inner, depth + 1));
                    }

                    break;
                case List<object?> list when list.TrueForAll(i => i is string or long or double or bool):
                    result[prefix] = string.Join(',', list.Select(Scalar));
                    break;
                case List<object?> list when depth < 16:
                    for (var i = 0; i < list.Count; i++)
                    {
                        pending.Push(($"{prefix}[{i}]", list[i], depth + 1));
                    }

                    break;
                case string or long or double or bool:
                    result[prefix] = Scalar(current);
                    break;
            }
        }

        return result;
    }

    private static string Scalar(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
    };

    // The renderer names the snapshot but not its line; the block's first rendered line is where it starts.
    private static int SnapshotLine(RenderedModel rendered) => rendered.Sql.Length == 0 ? 1 : rendered.SourceMap.LineAt(0);
}
