using System.Collections.Concurrent;
using ReviewBot.Core.Changes;
using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// The changed dbt models and snapshots rendered at base and at head by <see cref="DbtRenderer"/> (Jinja, the dbt
/// context, the projects' macros and vars; offline and bounded), so SQL can be read from what the warehouse would run.
/// </summary>
public sealed class DbtRenderings
{
    public static DbtRenderings Empty { get; } = new(new Dictionary<string, RenderedModel>(), new Dictionary<string, RenderedModel>());

    private DbtRenderings(IReadOnlyDictionary<string, RenderedModel> head, IReadOnlyDictionary<string, RenderedModel> @base)
    {
        Head = head;
        Base = @base;
    }

    /// <summary>Rendered changed files at head, by path.</summary>
    public IReadOnlyDictionary<string, RenderedModel> Head { get; }

    /// <summary>Rendered changed files at base, by base path.</summary>
    public IReadOnlyDictionary<string, RenderedModel> Base { get; }

    internal static async Task<DbtRenderings> BuildAsync(
        ChangeSet change, IReadOnlyList<string> headList, IReadOnlySet<string> baseSet, SourceFiles files, IEnumerable<string> headTargets, IEnumerable<string> baseTargets, CancellationToken ct)
    {
        var headWanted = headTargets.ToList();
        var baseWanted = baseTargets.ToList();
        if (headWanted.Count == 0 && baseWanted.Count == 0)
        {
            return Empty;
        }

        // What rendering needs beyond the changed files: project and package files, profiles, requirements, macros.
        var support = headList.Where(IsSupport).Where(p => files.Head(p) is null).ToList();
        var supportTexts = support.Count == 0 ? new Dictionary<string, string>() : await change.Head.ReadFilesAsync(support, ct).ConfigureAwait(false);
        var headFiles = new SnapshotFiles(headList, p => files.Head(p) ?? supportTexts.GetValueOrDefault(p));
        var baseFiles = new SnapshotFiles(baseSet.ToList(), p => files.Base(p) ?? (files.ChangedBase.ContainsKey(p) ? null : supportTexts.GetValueOrDefault(p)));
        var headRenderer = new DbtRenderer(DbtRepository.Load(headFiles));
        var baseRenderer = new DbtRenderer(DbtRepository.Load(baseFiles));
        var head = new ConcurrentDictionary<string, RenderedModel>(StringComparer.Ordinal);
        var @base = new ConcurrentDictionary<string, RenderedModel>(StringComparer.Ordinal);
        var work = headWanted.Select(p => (Path: p, Head: true)).Concat(baseWanted.Select(p => (Path: p, Head: false))).ToList();
        Parallel.ForEach(work, new ParallelOptions { CancellationToken = ct }, item =>
        {
            if (item.Head && files.Head(item.Path) is { } headText)
            {
                head[item.Path] = headRenderer.Render(item.Path, headText);
            }
            else if (!item.Head && files.Base(item.Path) is { } baseText)
            {
                @base[item.Path] = baseRenderer.Render(item.Path, baseText);
            }
        });
        return new DbtRenderings(head, @base);
    }

    private static bool IsSupport(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (name is "dbt_project.yml" or "packages.yml" or "dependencies.yml" or "profiles.yml" or "pyproject.toml"
            || (name.StartsWith("requirements", StringComparison.OrdinalIgnoreCase) && (name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".in", StringComparison.OrdinalIgnoreCase))))
        {
            return true;
        }

        return path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)
            && (path.StartsWith("macros/", StringComparison.Ordinal) || path.Contains("/macros/", StringComparison.Ordinal) || path.Contains("dbt_packages/", StringComparison.Ordinal));
    }

    private sealed class SnapshotFiles(IReadOnlyList<string> paths, Func<string, string?> read) : IRepositoryFiles
    {
        public IReadOnlyList<string> Paths { get; } = paths;

        public string? Read(string path) => read(path);
    }
}
