using System.Collections.Concurrent;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Context.Pipeline;
using ReviewBot.Agents.Context.Sql;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;
using ReviewBot.Sql;

namespace ReviewBot.Agents.Context;

/// <summary>Typed keys of the shared context in the <see cref="ResourceStore"/>.</summary>
public static class ContextKeys
{
    public static ResourceKey<DbtGraph> DbtGraph { get; } = new(Resources.DbtGraph);

    public static ResourceKey<SqlFactsIndex> SqlFacts { get; } = new(Resources.SqlFacts);

    public static ResourceKey<PipelineFactsIndex> PipelineFacts { get; } = new(Resources.PipelineFacts);
}

/// <summary>The <c>dbt-graph</c> resource: the dbt project(s) at base and at head.</summary>
public sealed class DbtGraph(DbtState @base, DbtState head, SourceFiles files, IReadOnlyList<SkippedFile> unparsed)
{
    public DbtState Base { get; } = @base;

    public DbtState Head { get; } = head;

    public SourceFiles Files { get; } = files;

    /// <summary>dbt files that could not be parsed (YAML errors), with the reason.</summary>
    public IReadOnlyList<SkippedFile> Unparsed { get; } = unparsed;

    /// <summary>The changed dbt models and snapshots rendered at base and head (Jinja + dbt context, offline).</summary>
    public DbtRenderings Renderings { get; init; } = DbtRenderings.Empty;
}

/// <summary>
/// The <c>sql-facts</c> resource: facts of every changed SQL file at base and head, computed up front; facts of other
/// files (downstream models) are computed on first use and cached. A dbt model or snapshot that was rendered is read
/// from its rendering (the full-refresh SQL, in the adapter's dialect, lines through the source map, ref()/source()
/// relations by span); every other file (migrations, scripts, analyses, macros, hook snippets) is read as written.
/// </summary>
public sealed class SqlFactsIndex
{
    private readonly ConcurrentDictionary<string, SqlFileFacts?> _head = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SqlFileFacts?> _base = new(StringComparer.Ordinal);
    private readonly DbtRenderings _renderings;
    private readonly SqlDialect _dialect;

    public SqlFactsIndex(SourceFiles files, DbtRenderings? renderings = null)
    {
        Files = files;
        _renderings = renderings ?? DbtRenderings.Empty;
        // Raw SQL of a dbt repository (analyses, macros, hooks) is read in the project's dialect; elsewhere tolerantly.
        var adapters = _renderings.Head.Values.Concat(_renderings.Base.Values).Select(r => r.Adapter).Distinct(StringComparer.Ordinal).ToList();
        _dialect = adapters.Count == 1 ? AdapterInference.Dialect(adapters[0]) : SqlDialect.Neutral;
    }

    public SourceFiles Files { get; }

    public SqlFileFacts? Head(string path) => _head.GetOrAdd(path, p => Read(p, Files.Head(p), _renderings.Head.GetValueOrDefault(p)));

    public SqlFileFacts? Base(string path) => _base.GetOrAdd(path, p => Read(p, Files.Base(p), _renderings.Base.GetValueOrDefault(p)));

    /// <summary>
    /// Facts of the SQL an incremental run executes (<c>is_incremental()</c> true) of a rendered model that calls it;
    /// otherwise the same as <see cref="Head"/>. The per-run cost of an incremental model is this SQL's.
    /// </summary>
    public SqlFileFacts? IncrementalHead(string path) =>
        _renderings.Head.GetValueOrDefault(path) is { IncrementalSql: not null } r && Files.Head(path) is { } text
            ? _head.GetOrAdd("\u0001" + path, _ => SqlFactsReader.Read(r, text, incremental: true))
            : Head(path);

    /// <summary>The base counterpart of <see cref="IncrementalHead"/>.</summary>
    public SqlFileFacts? IncrementalBase(string path) =>
        _renderings.Base.GetValueOrDefault(path) is { IncrementalSql: not null } r && Files.Base(path) is { } text
            ? _base.GetOrAdd("\u0001" + path, _ => SqlFactsReader.Read(r, text, incremental: true))
            : Base(path);

    /// <summary>Facts of SQL written in another file (a hook in YAML, an <c>op.execute</c> string), keyed by a synthetic name.</summary>
    public SqlFileFacts Snippet(string sql) => _head.GetOrAdd("\0" + sql, _ => SqlFactsReader.Read(sql, _dialect))!;

    private SqlFileFacts? Read(string path, string? text, RenderedModel? rendering)
    {
        if (text is null)
        {
            return null;
        }

        if (rendering is not null)
        {
            return SqlFactsReader.Read(rendering, text);
        }

        var dialect = SharedContext.IsMigration(path) ? Governance.Migrations.MigrationScript.DialectOf(path, text) : _dialect;
        var facts = SqlFactsReader.Read(text, dialect);
        // A macro file is Jinja around SQL fragments: what does not parse as written is a partial reading, not an unread file.
        return facts.Coverage == SqlCoverage.NotAnalysed && IsTemplate(text) ? facts with { Coverage = SqlCoverage.Partial, IsTemplate = true }
            : IsTemplate(text) ? facts with { IsTemplate = true } : facts;
    }

    private static bool IsTemplate(string text) => text.Contains("{%", StringComparison.Ordinal) || text.Contains("{{", StringComparison.Ordinal);
}

/// <summary>The <c>pipeline-facts</c> resource: schedules and env var reads of changed files at base and head.</summary>
public sealed class PipelineFactsIndex
{
    private readonly ConcurrentDictionary<string, PipelineFileFacts> _head = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PipelineFileFacts> _base = new(StringComparer.Ordinal);

    public PipelineFactsIndex(SourceFiles files)
    {
        Files = files;
    }

    public SourceFiles Files { get; }

    /// <summary>Names of env vars listed in example env files (<c>.env.example</c> and similar) at head.</summary>
    public IReadOnlySet<string> DocumentedEnvVars { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The example env files found at head.</summary>
    public IReadOnlyList<string> EnvExampleFiles { get; init; } = [];

    public PipelineFileFacts Head(string path) => _head.GetOrAdd(path, p => Files.Head(p) is { } text ? PipelineScanner.Scan(p, text) : PipelineFileFacts.Empty);

    public PipelineFileFacts Base(string path) => _base.GetOrAdd(path, p => Files.Base(p) is { } text ? PipelineScanner.Scan(p, text) : PipelineFileFacts.Empty);
}
