using ReviewBot.Dbt.Projects;

namespace ReviewBot.Dbt.Rendering;

/// <summary>How far a file could be rendered.</summary>
public enum RenderStatus
{
    /// <summary>Rendered completely: the SQL is what dbt would compile (up to the relation names).</summary>
    Rendered,

    /// <summary>Rendered, but some parts are opaque placeholders (unresolved macros, warehouse calls, unknown vars); see <see cref="RenderedModel.Unresolved"/> and <see cref="RenderedModel.PartialReasons"/>.</summary>
    Partial,

    /// <summary>Not rendered; <see cref="RenderedModel.Reason"/> says why and <see cref="RenderedModel.ReasonLine"/> where.</summary>
    NotRendered,
}

/// <summary>One key passed to <c>config(...)</c>, with the model line of the call.</summary>
public sealed record ConfigEntry(string Key, object? Value, int Line)
{
    /// <summary>The value as Python would print it (<c>'table'</c>, <c>['a', 'b']</c>, <c>{'field': 'day'}</c>, <c>True</c>).</summary>
    public string Repr => Jinja.PyOps.Repr(Value);

    /// <summary>The value as text when it is a string, number or boolean (<c>true</c>/<c>false</c>); null for lists, dicts and other values.</summary>
    public string? Text => Value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long or int or double => Jinja.PyOps.ToStr(Value),
        _ => null,
    };
}

/// <summary>
/// Model lines whose rendered text exists only when <c>is_incremental()</c> is true (the body of an
/// <c>{% if is_incremental() %}</c> branch, or a line calling a macro that branches on it), with that text.
/// </summary>
public sealed record IncrementalBranch(int StartLine, int EndLine, string Sql);

/// <summary>Whether a relation came from <c>ref()</c> or <c>source()</c>.</summary>
public enum RelationKind
{
    Ref,
    Source,
}

/// <summary>
/// One <c>ref()</c>/<c>source()</c> call: its target, the model line of the call, and the span of rendered SQL it
/// produced (null when the relation was never written into the SQL, e.g. only passed to a macro that dropped it).
/// For a source, <see cref="SourceName"/> is the source and <see cref="Name"/> the table.
/// </summary>
public sealed record RelationCall(RelationKind Kind, string Name, string? Package, string? Version, string? SourceName, string RenderedName, int Line, int? Offset, int? Length);

/// <summary>Maps an offset of rendered SQL to the line of the model file it came from (macro output maps to the calling line).</summary>
public sealed class SourceMap
{
    private readonly string _text;
    private readonly Jinja.SourceSegment[] _segments;

    internal SourceMap(string text, IReadOnlyList<Jinja.SourceSegment> segments)
    {
        _text = text;
        _segments = [.. segments];
    }

    public static SourceMap Empty { get; } = new(string.Empty, []);

    /// <summary>The 1-based model line of the character at <paramref name="offset"/> (line 1 when the map is empty).</summary>
    public int LineAt(int offset)
    {
        if (_segments.Length == 0)
        {
            return 1;
        }

        offset = Math.Clamp(offset, 0, Math.Max(0, _text.Length - 1));
        var segment = _segments[SegmentAt(offset)];
        if (!segment.CountsNewlines || offset <= segment.Offset)
        {
            return segment.Line;
        }

        return segment.Line + _text.AsSpan(segment.Offset, offset - segment.Offset).Count('\n');
    }

    /// <summary>The index of the last segment starting at or before <paramref name="offset"/> (0 when none does).</summary>
    private int SegmentAt(int offset)
    {
        int lo = 0, hi = _segments.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_segments[mid].Offset <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>
    /// True when every character of [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>)
    /// is text written literally in the model file; false when part of it was produced by an expression or a macro
    /// (<c>{{ this }}</c>, <c>{{ target.schema }}</c>, a macro's output). An empty map (nothing tracked) is literal.
    /// </summary>
    public bool IsLiteral(int offset, int length)
    {
        if (_segments.Length == 0)
        {
            return true;
        }

        var end = offset + Math.Max(1, length);
        var lo = SegmentAt(offset);
        for (var i = lo; i < _segments.Length && (_segments[i].Offset < end || i == lo); i++)
        {
            if (!_segments[i].CountsNewlines)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The rendered text that came from each model line (macro output counts for the calling line).</summary>
    internal SortedDictionary<int, string> TextByLine()
    {
        var lines = new SortedDictionary<int, System.Text.StringBuilder>();
        void Add(int line, ReadOnlySpan<char> text)
        {
            if (!lines.TryGetValue(line, out var sb))
            {
                lines[line] = sb = new System.Text.StringBuilder();
            }

            sb.Append(text);
        }

        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            var end = i + 1 < _segments.Length ? _segments[i + 1].Offset : _text.Length;
            if (end <= segment.Offset)
            {
                continue;
            }

            var span = _text.AsSpan(segment.Offset, end - segment.Offset);
            if (!segment.CountsNewlines)
            {
                Add(segment.Line, span);
                continue;
            }

            var line = segment.Line;
            while (true)
            {
                var newline = span.IndexOf('\n');
                if (newline < 0)
                {
                    Add(line, span);
                    break;
                }

                Add(line, span[..(newline + 1)]);
                span = span[(newline + 1)..];
                line++;
            }
        }

        var result = new SortedDictionary<int, string>();
        foreach (var (line, sb) in lines)
        {
            result[line] = sb.ToString();
        }

        return result;
    }
}

/// <summary>The result of rendering one dbt file, offline and bounded.</summary>
public sealed record RenderedModel
{
    public required string Path { get; init; }

    public required DbtFileKind Kind { get; init; }

    /// <summary>Name of the project the file belongs to (null when no project holds it).</summary>
    public string? ProjectName { get; init; }

    /// <summary>The inferred adapter type (<c>target.type</c>).</summary>
    public required string Adapter { get; init; }

    public required RenderStatus Status { get; init; }

    /// <summary>Why the file was not rendered (a limit, a syntax error, <c>raise_compiler_error</c>...).</summary>
    public string? Reason { get; init; }

    /// <summary>The model line the <see cref="Reason"/> points at.</summary>
    public int? ReasonLine { get; init; }

    /// <summary>The SQL with <c>is_incremental()</c> false (a full refresh): the SQL that is analysed. Empty when not rendered.</summary>
    public required string Sql { get; init; }

    /// <summary>The SQL with <c>is_incremental()</c> true, when the model calls it.</summary>
    public string? IncrementalSql { get; init; }

    public bool UsesIsIncremental => IncrementalSql is not null;

    /// <summary>Where the incremental SQL differs from the full refresh, by model line; empty when <c>is_incremental()</c> is not called.</summary>
    public IReadOnlyList<IncrementalBranch> IncrementalBranches { get; init; } = [];

    public required SourceMap SourceMap { get; init; }

    /// <summary>Every <c>config(...)</c> key in call order (a key set twice appears twice; the last wins).</summary>
    public IReadOnlyList<ConfigEntry> Config { get; init; } = [];

    public IReadOnlyList<RelationCall> Refs { get; init; } = [];

    public IReadOnlyList<RelationCall> Sources { get; init; } = [];

    /// <summary>Names that could not be resolved: package macros not in the repository, vars without a value, env vars without a default.</summary>
    public IReadOnlyList<string> Unresolved { get; init; } = [];

    /// <summary>Everything that made the render partial (unresolved names, warehouse calls such as <c>run_query</c>).</summary>
    public IReadOnlyList<string> PartialReasons { get; init; } = [];

    /// <summary>Names of the macros the render called (project, package and the model's own), sorted: a changed macro reaches these models.</summary>
    public IReadOnlyList<string> Macros { get; init; } = [];

    /// <summary>Name of the <c>{% snapshot %}</c> block, for snapshots.</summary>
    public string? SnapshotName { get; init; }

    /// <summary>The last value given to a config key, or null.</summary>
    public object? ConfigValue(string key) => Config.LastOrDefault(c => string.Equals(c.Key, key, StringComparison.Ordinal))?.Value;
}
