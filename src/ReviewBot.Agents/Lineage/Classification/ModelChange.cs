using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Core.Reports;
using ReviewBot.Dbt.Rendering;
using ReviewBot.Sql.Diff;
using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Agents.Lineage.Classification;

/// <summary>One version of a model: its rendering and the parse of its full-refresh SQL (and of its incremental SQL).</summary>
internal sealed record ParsedModel(RenderedModel Rendered, SqlParseResult Parse, SqlParseResult? Incremental)
{
    /// <summary>True when the model rendered (fully or in part) and its SQL parsed without errors.</summary>
    public bool Usable => Rendered.Status != RenderStatus.NotRendered && Parse.Succeeded && Sql.Scopes.SqlScopeResolver.LastQuery(Parse) is not null;

    /// <summary>The model file line of a node of <see cref="Parse"/> (the full-refresh SQL).</summary>
    public int LineOf(SqlNode node) => Rendered.SourceMap.LineAt(node.Span.Offset);

    /// <summary>Why the model cannot be compared, or null when it can.</summary>
    public string? Problem => Rendered.Status == RenderStatus.NotRendered
        ? $"could not be rendered: {Rendered.Reason}{(Rendered.ReasonLine is { } l ? $" (line {l})" : string.Empty)}"
        : !Parse.Succeeded ? $"rendered SQL does not parse ({Parse.Diagnostics[0]})"
        : Sql.Scopes.SqlScopeResolver.LastQuery(Parse) is null ? "rendered SQL holds no query" : null;
}

/// <summary>A configuration key whose effective value differs between base and head.</summary>
internal sealed record ConfigChange(string Key, string? Before, string? After)
{
    public override string ToString() => $"{Key} {Before ?? "unset"} → {After ?? "unset"}";
}

/// <summary>
/// The classification of one changed model (DESIGN.md §7): what changed, the columns it touches, and what it reaches
/// downstream, column by column. The facts the cross-version rules read.
/// </summary>
internal sealed record ModelChange
{
    public required string Name { get; init; }

    /// <summary>The model file at head (at base for a removed model).</summary>
    public required string File { get; init; }

    public string? Project { get; init; }

    public required ModelChangeKind Kind { get; init; }

    public required string Reason { get; init; }

    public DbtNode? Head { get; init; }

    public DbtNode? Base { get; init; }

    public ParsedModel? Before { get; init; }

    public ParsedModel? After { get; init; }

    /// <summary>The SQL-level diff, when both versions parsed.</summary>
    public SqlQueryChange? Sql { get; init; }

    public IReadOnlyList<ConfigChange> Config { get; init; } = [];

    public ModelColumnChanges Columns { get; init; } = ModelColumnChanges.None;

    public ModelDownstream Downstream { get; init; } = ModelDownstream.None;

    /// <summary>Every model downstream in the ref graph (any depth), whatever the change touches; exposures included separately.</summary>
    public IReadOnlyList<string> Consumers { get; init; } = [];

    /// <summary>Exposures reached through the model or any consumer.</summary>
    public IReadOnlyList<string> ConsumerExposures { get; init; } = [];

    /// <summary>For each removed column and each renamed column's old name: the downstream models that still read it and the <c>model.column</c>s derived from it.</summary>
    public IReadOnlyDictionary<string, ColumnReaders> Readers { get; init; } = new Dictionary<string, ColumnReaders>();

    public ModelChangeReport ToReport() => new()
    {
        Name = Name,
        File = File,
        Project = Project,
        Change = Kind,
        Columns = Columns,
        Reason = Reason,
        Downstream = Downstream,
    };
}

/// <summary>
/// Who still reads a removed or renamed column: <paramref name="Direct"/> consumers that read it from the model itself,
/// every model reached (<paramref name="Models"/>, any depth) and the derived <c>model.column</c>s.
/// </summary>
internal sealed record ColumnReaders(IReadOnlyList<string> Direct, IReadOnlyList<string> Models, IReadOnlyList<string> Columns);
