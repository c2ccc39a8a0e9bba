using System.Text.RegularExpressions;
using ReviewBot.Core.Changes;
using ReviewBot.TestUtils;

namespace ReviewBot.Benchmarks.Analysis;

/// <summary>
/// The change classification's worst case in the synthetic project: one staging model with the most descendants
/// changes, so the review must render and parse it and everything below it and trace lineage column by column.
/// <c>rename</c> renames a column every child aggregates (partial, readers at every level); <c>filter</c> adds a WHERE
/// (breaking: every downstream model and column); <c>add</c> adds a column (non-breaking: nothing below is parsed). With <c>hub</c>, every intermediate model first reads one staging
/// model (a shared base model, as real projects have), so the change reaches most of the project.
/// </summary>
internal static partial class UpstreamChange
{
    [GeneratedRegex(@"ref\('([^']+)'\)")]
    private static partial Regex Ref();

    public static (ChangeSet Change, int Models, string Model, int Descendants) Project(int models, string kind, bool hub = false)
    {
        var (files, names) = AnalysisBenchmark.SyntheticProject(models);
        if (hub)
        {
            foreach (var path in files.Keys.Where(k => k.StartsWith("models/intermediate/", StringComparison.Ordinal) && k.EndsWith(".sql", StringComparison.Ordinal)).ToList())
            {
                files[path] = Ref().Replace(files[path], "ref('stg_t0')", 1);
            }
        }

        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var pathOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in files.Where(f => f.Key.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var name = path[(path.LastIndexOf('/') + 1)..^4];
            pathOf[name] = path;
            foreach (Match m in Ref().Matches(text))
            {
                if (!children.TryGetValue(m.Groups[1].Value, out var list))
                {
                    children[m.Groups[1].Value] = list = [];
                }

                list.Add(name);
            }
        }

        int Descendants(string root)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal) { root };
            var queue = new Queue<string>([root]);
            while (queue.Count > 0)
            {
                foreach (var child in children.GetValueOrDefault(queue.Dequeue()) ?? [])
                {
                    if (seen.Add(child))
                    {
                        queue.Enqueue(child);
                    }
                }
            }

            return seen.Count - 1;
        }

        var root = names.Where(n => n.StartsWith("stg_", StringComparison.Ordinal)).Select(n => (Name: n, Count: Descendants(n))).MaxBy(x => x.Count);
        var after = new Dictionary<string, string>(files, StringComparer.Ordinal);
        var hubPath = pathOf[root.Name];
        after[hubPath] = kind switch
        {
            "filter" => after[hubPath].Replace("    from source\n", "    from source\n    where amount > 0\n", StringComparison.Ordinal),
            "add" => after[hubPath].Replace("        updated_at\n", "        updated_at,\n        channel\n", StringComparison.Ordinal),
            _ => after[hubPath].Replace("        amount,\n", "        amount as amount_cents,\n", StringComparison.Ordinal),
        };
        return (ChangeSets.FromFiles(files, after), models, root.Name, root.Count);
    }
}
