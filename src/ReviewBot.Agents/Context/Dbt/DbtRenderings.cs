using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// The changed dbt models and snapshots as <see cref="DbtRenderer"/> rendered them at base and at head (Jinja, the dbt
/// context, the projects' macros and vars; offline and bounded), so SQL can be read from what the warehouse would run.
/// These are the same renders the graph's <see cref="DbtModelFile"/>s were built from (each file is rendered once).
/// </summary>
public sealed class DbtRenderings
{
    public static DbtRenderings Empty { get; } = new(new Dictionary<string, RenderedModel>(), new Dictionary<string, RenderedModel>());

    internal DbtRenderings(IReadOnlyDictionary<string, RenderedModel> head, IReadOnlyDictionary<string, RenderedModel> @base)
    {
        Head = head;
        Base = @base;
    }

    /// <summary>Rendered changed files at head, by path.</summary>
    public IReadOnlyDictionary<string, RenderedModel> Head { get; }

    /// <summary>Rendered changed files at base, by base path.</summary>
    public IReadOnlyDictionary<string, RenderedModel> Base { get; }
}

/// <summary>A repository revision as the renderer reads it: the known paths, and texts the shared context already read.</summary>
internal sealed class RevisionFiles(IReadOnlyList<string> paths, Func<string, string?> read) : IRepositoryFiles
{
    public IReadOnlyList<string> Paths { get; } = paths;

    public string? Read(string path) => read(path);
}
