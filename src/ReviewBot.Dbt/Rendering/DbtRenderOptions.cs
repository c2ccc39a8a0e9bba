using ReviewBot.Dbt.Jinja;

namespace ReviewBot.Dbt.Rendering;

/// <summary>How files are rendered without a warehouse.</summary>
public sealed record DbtRenderOptions
{
    /// <summary><c>target.name</c>. Default "dev".</summary>
    public string TargetName { get; init; } = "dev";

    /// <summary><c>target.schema</c>, also the schema <c>ref()</c> renders with. Default "analytics".</summary>
    public string TargetSchema { get; init; } = "analytics";

    /// <summary><c>target.database</c>. Default "warehouse".</summary>
    public string TargetDatabase { get; init; } = "warehouse";

    /// <summary>Vars given on the command line (lowest precedence after the project's). Default none.</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; init; } = new Dictionary<string, object?>();

    /// <summary>Bounds per rendered file. Default <see cref="TemplateLimits"/>' defaults.</summary>
    public TemplateLimits Limits { get; init; } = new();

    /// <summary>Known columns of a relation (by its rendered name), for <c>dbt_utils.star</c>; null = unknown (opaque). Default null.</summary>
    public Func<string, IReadOnlyList<string>?>? Columns { get; init; }

    /// <summary>
    /// The warehouse relation of <c>source(source, table)</c> as the properties YAML declares it (<c>database:</c>,
    /// <c>schema:</c>, <c>identifier:</c>); null = not declared (renders <c>source.table</c>). Default null.
    /// </summary>
    public Func<string, string, SourceRelation?>? SourceRelations { get; init; }

    /// <summary>Clock for the wall-time limit. Default the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>Where a source table lives in the warehouse; a null part keeps dbt's default (target database, source name, table name).</summary>
public sealed record SourceRelation(string? Database, string? Schema, string? Identifier);
