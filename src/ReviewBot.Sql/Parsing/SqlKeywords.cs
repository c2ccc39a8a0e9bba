namespace ReviewBot.Sql.Parsing;

/// <summary>Keyword sets the parser decides by. Case-insensitive.</summary>
internal static class SqlKeywords
{
    /// <summary>Words that end an expression or a FROM item: never an implicit alias, never a bare column.</summary>
    public static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "where", "group", "having", "qualify", "window", "order", "limit", "offset", "fetch",
        "union", "except", "intersect", "minus", "on", "using", "join", "inner", "left", "right", "full", "cross",
        "natural", "lateral", "outer", "semi", "anti", "asof", "positional", "as", "into", "when", "then", "else", "end",
        "and", "or", "not", "is", "in", "like", "ilike", "rlike", "regexp", "similar", "between", "with", "values",
        "returning", "set", "pivot", "unpivot", "tablesample", "sample", "case", "distinct", "all", "by", "escape",
        "over", "filter", "within", "connect", "start", "match_recognize", "for", "partition", "rows", "range", "groups",
        "collate", "top", "exists", "cast", "null", "true", "false", "default", "apply", "sort", "cluster",
        "distribute",
    };

    /// <summary>Words after which an expression can never start (for a clear error).</summary>
    public static readonly HashSet<string> NotAnExpression = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "where", "group", "having", "qualify", "window", "order", "limit", "union", "except",
        "intersect", "minus", "on", "using", "join", "inner", "cross", "natural", "as", "into", "when", "then", "else",
        "end", "and", "or", "is", "in", "like", "ilike", "rlike", "between", "with", "by", "over", "within", "escape",
    };

    /// <summary>Words that may follow a type's first word (double precision, character varying, int unsigned).</summary>
    public static readonly HashSet<string> TypeContinuations = new(StringComparer.OrdinalIgnoreCase)
    {
        "precision", "varying", "unsigned", "signed",
    };

    /// <summary>Type names that form typed literals when followed by a string: date '2024-01-01'.</summary>
    public static readonly HashSet<string> LiteralTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "date", "time", "timestamp", "timestamptz", "timestamp_ntz", "timestamp_ltz", "timestamp_tz", "datetime", "json",
        "jsonb", "numeric", "decimal", "bignumeric", "uuid", "inet", "bytea", "varchar", "char", "text", "real", "float",
        "double", "integer", "int", "bigint", "boolean", "bool", "geography", "geometry",
    };

    /// <summary>Niladic functions written without parentheses; not columns.</summary>
    public static readonly HashSet<string> Niladic = new(StringComparer.OrdinalIgnoreCase)
    {
        "current_date", "current_time", "current_timestamp", "current_user", "session_user", "localtime",
        "localtimestamp", "sysdate", "current_role", "current_schema", "current_database", "current_catalog", "user",
        "current_datetime", "systimestamp", "getdate",
    };

    /// <summary>Interval units (singular and plural).</summary>
    public static readonly HashSet<string> IntervalUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        "year", "years", "quarter", "quarters", "month", "months", "week", "weeks", "day", "days", "hour", "hours",
        "minute", "minutes", "second", "seconds", "millisecond", "milliseconds", "microsecond", "microseconds",
        "nanosecond", "nanoseconds", "dayofweek", "dayofyear", "epoch", "isoweek", "isoyear",
    };

    /// <summary>First words of statements read only by their keyword.</summary>
    public static readonly HashSet<string> OtherStatements = new(StringComparer.OrdinalIgnoreCase)
    {
        "begin", "start", "commit", "rollback", "end", "abort", "use", "call", "execute", "exec", "explain", "analyze",
        "analyse", "vacuum", "copy", "unload", "declare", "lock", "refresh", "msck", "optimize", "show", "describe",
        "desc", "put", "get", "list", "remove", "cache", "uncache", "reset", "savepoint", "release", "prepare",
        "deallocate", "listen", "notify", "checkpoint", "reindex", "cluster", "discard", "do", "if", "return", "raise",
        "let", "assert", "export", "load", "install", "attach", "detach", "pragma", "summarize", "undrop", "for", "while",
        "loop", "repeat", "case", "elseif", "exception", "close", "open", "execute", "unset", "checkpoint", "security",
        "refresh", "zorder", "restore", "backup", "force",
    };

    /// <summary>Words that name an object kind in CREATE/DROP/ALTER/GRANT.</summary>
    public static readonly HashSet<string> ObjectKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        "table", "view", "materialized", "index", "schema", "database", "function", "procedure", "sequence", "type",
        "extension", "trigger", "stage", "stream", "task", "role", "user", "warehouse", "policy", "macro", "external",
        "temporary", "temp", "transient", "volatile", "global", "local", "secure", "recursive", "unlogged", "dynamic",
        "iceberg", "hybrid", "file", "format", "pipe", "tag", "column", "constraint", "domain", "aggregate", "operator",
        "publication", "subscription", "server", "catalog", "share", "integration", "network", "rule", "event",
        "alert", "snapshot", "model", "connection", "streaming", "live", "incremental",
    };
}
