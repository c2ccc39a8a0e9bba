namespace ReviewBot.Sql.Syntax;

/// <summary>
/// Base of every immutable syntax node. <see cref="Span"/> locates the node in the parsed text (offset and length);
/// <see cref="SqlSourceText.LineOf"/> turns it into a line. Nodes are records: compare, copy and share freely.
/// </summary>
public abstract record SqlNode(SqlSpan Span);

/// <summary>A possibly qualified name (db.schema.table, t.column) with the span of the whole name.</summary>
/// <param name="Span">Where the whole name is.</param>
/// <param name="Parts">The parts without quotes, as written.</param>
/// <param name="Quoted">Per part: whether it was quoted (quoted parts keep their case in most dialects).</param>
public sealed record SqlName(SqlSpan Span, IReadOnlyList<string> Parts, IReadOnlyList<bool> Quoted) : SqlNode(Span)
{
    /// <summary>The last part (table of db.schema.table, column of t.column).</summary>
    public string Last => Parts[^1];

    /// <summary>The parts joined with dots.</summary>
    public string Text => string.Join('.', Parts);

    /// <summary>
    /// True for a placeholder the dbt renderer left for something it could not resolve
    /// (an identifier starting with <c>__rb_opaque_</c>, or a leftover <c>{{ ... }}</c>).
    /// </summary>
    public bool IsOpaque => Parts.Any(p => p.StartsWith(SqlNames.OpaquePrefix, StringComparison.Ordinal) || p.StartsWith("{{", StringComparison.Ordinal));

    public override string ToString() => Text;
}

/// <summary>Helpers for names.</summary>
public static class SqlNames
{
    /// <summary>Prefix of the renderer's opaque placeholders.</summary>
    public const string OpaquePrefix = "__rb_opaque_";

    /// <summary>A case-insensitive key for a name (warehouses fold unquoted names; dbt projects rarely rely on case).</summary>
    public static string Key(string name) => name.ToLowerInvariant();

    /// <summary>A case-insensitive key for a whole qualified name.</summary>
    public static string Key(SqlName name) => string.Join('.', name.Parts).ToLowerInvariant();
}

/// <summary>A data type as written (int, varchar(20), array&lt;struct&lt;a int64&gt;&gt;, timestamp with time zone).</summary>
public sealed record SqlTypeName(SqlSpan Span, string Text) : SqlNode(Span);
