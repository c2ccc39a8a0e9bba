using ReviewBot.Dbt.Jinja;
using ReviewBot.Dbt.Projects;

namespace ReviewBot.Dbt.Rendering;

/// <summary>
/// Renders dbt models, snapshots, analyses and singular tests the way <c>dbt compile</c> would, offline: no warehouse,
/// no Python, bounded in depth, size and time. Thread-safe; never throws for any file content.
/// </summary>
public sealed class DbtRenderer(DbtRepository repository, DbtRenderOptions? options = null)
{
    private static readonly DbtProject Loose = new()
    {
        Name = "project",
        Root = string.Empty,
        ModelPaths = [string.Empty],
        MacroPaths = [],
        SnapshotPaths = [],
        AnalysisPaths = [],
        TestPaths = [],
    };

    private readonly DbtRenderOptions _options = options ?? new DbtRenderOptions();

    public DbtRepository Repository { get; } = repository;

    /// <summary>Renders the repository's version of <paramref name="path"/>.</summary>
    public RenderedModel Render(string path)
    {
        var text = Repository.Files.Read(path);
        return text is null ? NotRendered(path, DbtFileKind.Model, null, AdapterInference.Neutral, "file not found", null) : Render(path, text);
    }

    /// <summary>Renders <paramref name="text"/> as the file at <paramref name="path"/> (e.g. a pull request's version of it).</summary>
    public RenderedModel Render(string path, string text)
    {
        var project = Repository.ProjectFor(path) ?? Loose;
        var kind = DbtRepository.KindOf(project, path) ?? DbtFileKind.Model;
        string adapter;
        try
        {
            adapter = project == Loose ? AdapterInference.Neutral : Repository.AdapterFor(project);
        }
        catch (Exception e)
        {
            return NotRendered(path, kind, project.Name, AdapterInference.Neutral, "project could not be read: " + e.Message, null);
        }

        try
        {
            if (text.Length > _options.Limits.MaxSourceChars)
            {
                return NotRendered(path, kind, project.Name, adapter, $"file size limit ({_options.Limits.MaxSourceChars / (1024 * 1024)} MB)", 1);
            }

            var ast = Parser.Parse(text, _options.Limits.MaxNestingDepth);
            var full = RunPass(ast, project, path, incremental: false);
            string? incrementalSql = null;
            var partial = new List<string>(full.Interpreter.PartialReasons);
            if (full.Context.IsIncrementalCalled)
            {
                try
                {
                    incrementalSql = RunPass(ast, project, path, incremental: true).Sql;
                }
                catch (TemplateException e)
                {
                    partial.Add($"incremental SQL not rendered: {e.Message} (line {e.Line})");
                }
            }

            var relations = full.Context.Relations;
            LocateUnwritten(full.Sql, relations);
            var unresolved = full.Interpreter.Unresolved;
            return new RenderedModel
            {
                Path = path,
                Kind = kind,
                ProjectName = project.Name,
                Adapter = adapter,
                Status = partial.Count > 0 || unresolved.Count > 0 ? RenderStatus.Partial : RenderStatus.Rendered,
                Sql = full.Sql,
                IncrementalSql = incrementalSql,
                SourceMap = full.Map,
                Config = full.Context.Config,
                Refs = relations.Where(r => r.Kind == RelationKind.Ref).Select(ToCall).ToList(),
                Sources = relations.Where(r => r.Kind == RelationKind.Source).Select(ToCall).ToList(),
                Unresolved = unresolved,
                PartialReasons = partial,
                SnapshotName = full.Interpreter.SnapshotName,
                Macros = full.Interpreter.CalledMacros.Order(StringComparer.Ordinal).ToList(),
            };
        }
        catch (TemplateException e)
        {
            var prefix = e.Kind switch
            {
                TemplateErrorKind.Syntax => "Jinja syntax error: ",
                TemplateErrorKind.Limit => string.Empty,
                _ => "render error: ",
            };
            return NotRendered(path, kind, project.Name, adapter, prefix + e.Message, e.Line);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A defect of the renderer must not take the review down: the file is reported as not rendered.
            return NotRendered(path, kind, project.Name, adapter, $"renderer error: {e.GetType().Name}: {e.Message}", null);
        }
        catch (OutOfMemoryException)
        {
            return NotRendered(path, kind, project.Name, adapter, "out of memory", null);
        }
    }

    private (string Sql, SourceMap Map, DbtContext Context, Interpreter Interpreter) RunPass(TemplateAst ast, DbtProject project, string path, bool incremental)
    {
        var context = new DbtContext(Repository, project, path, _options, incremental);
        var interpreter = new Interpreter(_options.Limits, context, _options.Time);
        var output = new Output(tracked: true);
        interpreter.Render(ast, new Scope(null), output);
        var sql = output.Text.ToString();
        return (sql, new SourceMap(sql, output.Map!), context, interpreter);
    }

    /// <summary>
    /// A ref written by a macro (inside its returned text) has no span of its own: it is found by its rendered name in
    /// the SQL, at identifier boundaries, not overlapping a span already known.
    /// </summary>
    private static void LocateUnwritten(string sql, List<RelationRecord> relations)
    {
        foreach (var record in relations.Where(r => r.Offset is null && r.RenderedName.Length > 0))
        {
            var from = 0;
            while (true)
            {
                var idx = sql.IndexOf(record.RenderedName, from, StringComparison.Ordinal);
                if (idx < 0)
                {
                    break;
                }

                var end = idx + record.RenderedName.Length;
                var bounded = (idx == 0 || !IsIdentifierChar(sql[idx - 1])) && (end >= sql.Length || !IsIdentifierChar(sql[end]));
                var taken = relations.Any(r => r.Offset is { } o && idx < o + r.Length!.Value && o < end);
                if (bounded && !taken)
                {
                    record.Offset = idx;
                    record.Length = record.RenderedName.Length;
                    break;
                }

                from = idx + 1;
            }
        }
    }

    private static bool IsIdentifierChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '"' or '`';

    private static RelationCall ToCall(RelationRecord r) => new(r.Kind, r.Name, r.Package, r.Version, r.SourceName, r.RenderedName, r.Line, r.Offset, r.Length);

    private static RenderedModel NotRendered(string path, DbtFileKind kind, string? project, string adapter, string reason, int? line) => new()
    {
        Path = path,
        Kind = kind,
        ProjectName = project,
        Adapter = adapter,
        Status = RenderStatus.NotRendered,
        Reason = reason,
        ReasonLine = line,
        Sql = string.Empty,
        SourceMap = SourceMap.Empty,
    };
}
