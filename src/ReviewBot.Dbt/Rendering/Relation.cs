using ReviewBot.Dbt.Jinja;

namespace ReviewBot.Dbt.Rendering;

/// <summary>A relation value (<c>ref()</c>, <c>source()</c>, <c>this</c>, <c>api.Relation.create</c>). Renders as <c>schema.identifier</c>.</summary>
internal sealed class Relation(string? database, string? schema, string identifier, RelationRecord? record) : IJinjaObject, ISpanObserver, IMapping
{
    public string? Database { get; } = database;

    public string? Schema { get; } = schema;

    public string Identifier { get; } = identifier;

    public RelationRecord? Record { get; } = record;

    public override string ToString() => string.IsNullOrEmpty(Schema) ? Identifier : Schema + "." + Identifier;

    public void Written(Interpreter interpreter, int offset, int length)
    {
        if (Record is not null && Record.Offset is null)
        {
            Record.Offset = offset;
            Record.Length = length;
        }
    }

    public bool TryGetItem(string key, out object? value)
    {
        value = key switch
        {
            "metadata" => new Dictionary<string, object?>(StringComparer.Ordinal) { ["type"] = "BaseRelation" },
            "database" => Database,
            "schema" => Schema,
            "identifier" => Identifier,
            "path" => GetAttribute(null!, "path"),
            _ => null,
        };
        return key is "metadata" or "database" or "schema" or "identifier" or "path";
    }

    public object? GetAttribute(Interpreter interpreter, string name) => name switch
    {
        "get" => new NativeFunction("get", (_, a) => TryGetItem(PyOps.ToStr(a.Get(0, "key")), out var v) ? v : a.Get(1, "default")),
        "database" => Database,
        "schema" => Schema,
        "identifier" or "name" or "table" => Identifier,
        "type" => "table",
        "is_table" => true,
        "is_view" or "is_cte" or "is_materialized_view" => false,
        "render" => new NativeFunction("render", (_, _) => ToString()),
        "quote" or "include" or "incorporate" or "replace_path" or "without_identifier" => new NativeFunction(name, (_, _) => this),
        "path" => new Dictionary<string, object?>(StringComparer.Ordinal) { ["database"] = Database, ["schema"] = Schema, ["identifier"] = Identifier },
        _ => new Undefined("relation." + name),
    };
}

/// <summary>A ref/source call being recorded during a render.</summary>
internal sealed class RelationRecord(RelationKind kind, string name, string? package, string? version, string? sourceName, int line)
{
    public RelationKind Kind { get; } = kind;

    public string Name { get; } = name;

    public string? Package { get; } = package;

    public string? Version { get; } = version;

    public string? SourceName { get; } = sourceName;

    public int Line { get; } = line;

    public string RenderedName { get; set; } = string.Empty;

    public int? Offset { get; set; }

    public int? Length { get; set; }
}
