namespace ReviewBot.Core.Reports;

/// <summary>
/// How a changed dbt model affects its consumers (DESIGN.md §4 <c>models[].change</c>); serialised in snake case
/// (<c>non_breaking</c>, <c>config_only</c>). <see cref="Unknown"/> is an answer of its own, never a safe one.
/// </summary>
public enum ModelChangeKind
{
    /// <summary>A new model.</summary>
    Added,

    /// <summary>The model no longer exists.</summary>
    Removed,

    /// <summary>Which rows come out changed (filter, join, grouping, distinct, limit, source relation) or the model was renamed.</summary>
    Breaking,

    /// <summary>Named columns removed, renamed or redefined: only consumers of those columns are affected.</summary>
    Partial,

    /// <summary>Only new columns, or nothing that computes the output changed.</summary>
    NonBreaking,

    /// <summary>Could not tell: the model could not be rendered, parsed or resolved.</summary>
    Unknown,

    /// <summary>The SQL computes the same output; only configuration (materialization, keys, partitioning...) changed.</summary>
    ConfigOnly,
}

/// <summary>A column that kept its definition under a new name.</summary>
public sealed record ModelColumnRename(string From, string To);

/// <summary>The output columns a change touches.</summary>
public sealed record ModelColumnChanges
{
    public static ModelColumnChanges None { get; } = new();

    public IReadOnlyList<string> Removed { get; init; } = [];

    public IReadOnlyList<string> Added { get; init; } = [];

    public IReadOnlyList<ModelColumnRename> Renamed { get; init; } = [];

    public IReadOnlyList<string> Modified { get; init; } = [];
}

/// <summary>What a change reaches downstream: models (any depth), <c>model.column</c>s, exposures.</summary>
public sealed record ModelDownstream
{
    public static ModelDownstream None { get; } = new();

    public IReadOnlyList<string> Models { get; init; } = [];

    public IReadOnlyList<string> Columns { get; init; } = [];

    public IReadOnlyList<string> Exposures { get; init; } = [];
}

/// <summary>One changed model in the report's <c>models[]</c> (DESIGN.md §4; field names are a contract).</summary>
public sealed record ModelChangeReport
{
    public required string Name { get; init; }

    public required string File { get; init; }

    public string? Project { get; init; }

    public required ModelChangeKind Change { get; init; }

    public ModelColumnChanges Columns { get; init; } = ModelColumnChanges.None;

    /// <summary>One line: why this classification.</summary>
    public required string Reason { get; init; }

    public ModelDownstream Downstream { get; init; } = ModelDownstream.None;
}
