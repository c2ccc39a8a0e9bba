using ReviewBot.Agents.Context.Pipeline;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Docs;

/// <summary>The docs agent's rules: descriptions, properties entries, env var documentation, Markdown links, exposure owners.</summary>
internal static class DocsRules
{
    public static IReadOnlyList<Rule> All { get; } =
    [
        new ModelUndocumented(), new ModelMissingDescription(), new ColumnMissingDescription(), new EnvVarUndocumented(), new BrokenMarkdownLink(),
        new ExposureMissingOwner(),
    ];

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();

    private sealed class ModelUndocumented : Rule
    {
        public override string Id => "model-undocumented";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "A model without a properties entry has no description, no tests and no column docs in dbt docs.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes())
            {
                if (node.Kind != DbtNodeKind.Model || node.Properties is not null || !context.IsNew(node))
                {
                    continue;
                }

                var folder = node.Path.Contains('/', StringComparison.Ordinal) ? node.Path[..node.Path.LastIndexOf('/')] : "";
                var candidates = context.Files.HeadPaths.Where(p => p.StartsWith(folder + "/", StringComparison.Ordinal) && p.IndexOf('/', folder.Length + 1) < 0
                    && (p.EndsWith(".yml", StringComparison.Ordinal) || p.EndsWith(".yaml", StringComparison.Ordinal))).Order(StringComparer.Ordinal).ToList();
                var existing = candidates.FirstOrDefault(p => context.Dbt.Head.DocumentedIn(p).Count > 0)
                    ?? candidates.FirstOrDefault(p => !p.Contains("source", StringComparison.OrdinalIgnoreCase) && !p.Contains("exposure", StringComparison.OrdinalIgnoreCase));
                var suggestion = existing is not null ? $"in `{existing}`" : $"in a YAML file next to it (e.g. `{folder}/_{LastFolder(folder)}__models.yml`)";
                var key = Quality.QualityRules.KeyCandidate(context, node) is { } k ? $"`unique` and `not_null` tests on `{k}`" : "`unique` and `not_null` tests on its primary key";
                yield return context.Report(this, file.Path, null, $"New model `{node.Name}` has no properties entry",
                    $"`{node.Name}` is not declared in any properties YAML, so it has no description, no column docs and no tests. Add an entry under `models:` {suggestion} with a description, its columns and {key}.");
            }
        }

        private static string LastFolder(string folder) => folder.Contains('/', StringComparison.Ordinal) ? folder[(folder.LastIndexOf('/') + 1)..] : folder;
    }

    private sealed class ModelMissingDescription : Rule
    {
        public override string Id => "model-missing-description";

        public override Severity DefaultSeverity => Severity.Low;

        public override string Rationale => "Consumers pick models from dbt docs by their description; a model without one gets misused or duplicated.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".yml", ".yaml"))
            {
                foreach (var node in context.Dbt.Head.DocumentedIn(file.Path))
                {
                    var props = node.Properties!;
                    if (!string.IsNullOrWhiteSpace(props.Description) || node.Kind != DbtNodeKind.Model)
                    {
                        continue;
                    }

                    var before = context.BaseOf(node)?.Properties;
                    var removed = before is not null && !string.IsNullOrWhiteSpace(before.Description);
                    if (!removed && !context.IsAdded(file.Path, props.Line))
                    {
                        continue;
                    }

                    yield return context.Report(this, file.Path, props.Line, $"`{node.Name}` has no description",
                        removed
                            ? $"The description of `{node.Name}` was removed. Restore it, or update it if the model's meaning changed."
                            : $"Add a `description:` to `{node.Name}`: what one row is (the grain), where the data comes from, and what it is for.");
                }
            }
        }
    }

    private sealed class ColumnMissingDescription : Rule
    {
        public override string Id => "column-missing-description";

        public override Severity DefaultSeverity => Severity.Low;

        public override string Rationale => "Undocumented columns get misread (units, time zones, nulls) by everyone downstream.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".yml", ".yaml"))
            {
                foreach (var node in context.Dbt.Head.DocumentedIn(file.Path))
                {
                    var missing = node.Properties!.Columns.Where(c => string.IsNullOrWhiteSpace(c.Description) && context.IsAdded(file.Path, c.Line)).ToList();
                    if (missing.Count > 0)
                    {
                        yield return context.Report(this, file.Path, missing[0].Line, $"{Count(missing.Count, "column")} of `{node.Name}` without description",
                            $"{Names(missing.Select(c => c.Name))} {(missing.Count == 1 ? "has" : "have")} no `description:`. Say what each holds (unit, time zone, how nulls happen).");
                    }
                }
            }

            foreach (var (node, file) in context.ChangedNodes())
            {
                if (node.Kind != DbtNodeKind.Model || node.Properties is not { } props || context.Sql.Head(node.Path)?.OutputColumns is not { } columns)
                {
                    continue;
                }

                var before = context.BaseOf(node) is { } b ? context.Sql.Base(b.Path)?.OutputColumns : null;
                var newColumns = columns.Where(c => c.Name is not null && context.IsAdded(file.Path, c.Line)
                    && (before is null || !before.Any(o => string.Equals(o.Name, c.Name, StringComparison.OrdinalIgnoreCase)))
                    && props.Column(c.Name!) is null).ToList();
                if (newColumns.Count > 0)
                {
                    yield return context.Report(this, file.Path, newColumns[0].Line, $"New column{(newColumns.Count == 1 ? "" : "s")} of `{node.Name}` not documented",
                        $"{Names(newColumns.Select(c => c.Name!))} {(newColumns.Count == 1 ? "is" : "are")} new in `{node.Name}` but missing from `{props.File}`. Add {(newColumns.Count == 1 ? "it" : "them")} under `columns:` with a description (and tests where they matter).");
                }
            }
        }
    }

    private sealed class EnvVarUndocumented : Rule
    {
        public override string Id => "env-var-undocumented";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "An env var nobody documented breaks the next deploy or the next developer's first run.";

        private static readonly HashSet<string> Ambient = new(StringComparer.Ordinal)
        {
            "HOME", "PATH", "USER", "PWD", "CI", "TZ", "LANG", "SHELL", "HOSTNAME", "TMPDIR", "TEMP", "DBT_PROFILES_DIR", "DAGSTER_HOME", "AIRFLOW_HOME",
        };

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            var documented = context.Pipeline.DocumentedEnvVars;
            var examples = context.Pipeline.EnvExampleFiles;
            var reported = new HashSet<string>(StringComparer.Ordinal);
            var changed = context.ChangedWith(".py", ".sql", ".yml", ".yaml").Where(f => !examples.Contains(f.Path) && !IsTestFile(f.Path)).ToList();

            // Only reads this change introduces: a name the base already read in any changed file was moved or
            // reformatted, not added (quote-style changes, code moved between modules).
            var readBefore = new HashSet<string>(context.Change.Files.Where(f => f.Kind is not Core.Changes.ChangeKind.Added)
                .SelectMany(f => context.Pipeline.Base(f.BasePath).EnvVars.Select(r => r.Name)), StringComparer.Ordinal);
            foreach (var file in changed)
            {
                foreach (var read in context.Pipeline.Head(file.Path).EnvVars)
                {
                    if (documented.Contains(read.Name) || readBefore.Contains(read.Name) || Ambient.Contains(read.Name) || read.Name.StartsWith("GITHUB_", StringComparison.Ordinal)
                        || read.Name.StartsWith("RUNNER_", StringComparison.Ordinal) || !context.IsAdded(file.Path, read.Line) || !reported.Add(read.Name))
                    {
                        continue;
                    }

                    // The example file of this file's own project (nearest up the tree), never one of a sibling project.
                    var nearest = EnvDeclarations.NearestExample(file.Path, examples);
                    var where = nearest is null ? "an example env file next to this project (none exists up the tree from this file)" : $"`{nearest}`";
                    var fails = !read.HasDefault && read.Syntax is "os.environ[]" or "EnvVar" or "env_var";
                    var consequence = read.HasDefault ? "with a default"
                        : fails ? "without a default, so a missing value fails at run time"
                        : "without a default, so it is None when unset";
                    yield return context.Report(this, file.Path, read.Line, $"Env var `{read.Name}` is not documented",
                        $"`{read.Name}` is newly read here ({consequence}) and is not declared in {where}, a compose `environment:`, a CI `env:` or Terraform. Add it to {(nearest is null ? "an example env file" : $"`{nearest}`")} with an example value or a comment saying what it changes.",
                        fails && nearest is not null ? null : Severity.Low);
                }
            }
        }

        private static bool IsTestFile(string path)
        {
            var name = SharedContext.FileName(path);
            return path.StartsWith("tests/", StringComparison.Ordinal) || path.Contains("/tests/", StringComparison.Ordinal) || path.StartsWith("test/", StringComparison.Ordinal)
                || path.Contains("/test/", StringComparison.Ordinal) || name.StartsWith("test_", StringComparison.Ordinal) || name.EndsWith("_test.py", StringComparison.Ordinal)
                || name == "conftest.py" || path.Split('/').Any(segment => segment.StartsWith("integration_test", StringComparison.Ordinal));
        }
    }

    private sealed class BrokenMarkdownLink : Rule
    {
        public override string Id => "broken-markdown-link";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "A broken relative link sends readers nowhere and usually means docs drifted from the code.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".md", ".markdown"))
            {
                if (context.Files.Head(file.Path) is not { } text)
                {
                    continue;
                }

                MarkdownDocument doc;
                try
                {
                    doc = Markdown.Parse(text, Pipeline);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    context.CouldNotAnalyse(file.Path, $"Markdown could not be parsed: {e.Message}");
                    continue;
                }

                var links = doc.Descendants<LinkInline>().Select(l => (Url: l.Url, l.Line))
                    .Concat(doc.Descendants<Markdig.Syntax.LinkReferenceDefinition>().Select(d => (Url: d.Url, d.Line)));
                foreach (var (url, zeroLine) in links)
                {
                    var line = zeroLine + 1;
                    if (string.IsNullOrWhiteSpace(url) || !context.IsAdded(file.Path, line) || !IsRelative(url))
                    {
                        continue;
                    }

                    var target = Resolve(file.Path, url);
                    if (target is null || Exists(context, target))
                    {
                        continue;
                    }

                    yield return context.Report(this, file.Path, line, $"Broken link `{Clip(url)}`",
                        $"{(Clip(url) == target ? $"The relative link `{target}` points" : $"The relative link `{Clip(url)}` resolves")} to a file that does not exist in this revision{(Clip(url) == target ? "" : $" (`{target}`)")}. Fix the path (it is relative to {(file.Path.Contains('/', StringComparison.Ordinal) ? $"`{Folder(file.Path)}`" : "the repository root")}), or remove the link.");
                }
            }
        }

        private static bool IsRelative(string url)
        {
            var u = url.Trim();
            return !(u.StartsWith('#') || u.Contains("://", StringComparison.Ordinal) || u.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)
                || u.StartsWith("//", StringComparison.Ordinal) || u.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) || u.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                || u.StartsWith('{') || u.StartsWith('<') || u.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase));
        }

        private static string? Resolve(string file, string url)
        {
            var path = url.Split('#', '?')[0];
            if (path.Length == 0)
            {
                return null;
            }

            path = Uri.UnescapeDataString(path);
            var parts = new List<string>();
            if (!path.StartsWith('/'))
            {
                parts.AddRange(file.Contains('/', StringComparison.Ordinal) ? file[..file.LastIndexOf('/')].Split('/', StringSplitOptions.RemoveEmptyEntries) : []);
            }

            foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (segment == ".")
                {
                    continue;
                }

                if (segment == "..")
                {
                    if (parts.Count == 0)
                    {
                        return null;
                    }

                    parts.RemoveAt(parts.Count - 1);
                    continue;
                }

                parts.Add(segment);
            }

            return string.Join('/', parts);
        }

        private static bool Exists(RuleContext context, string target) =>
            target.Length == 0 || context.Files.HeadPaths.Contains(target) || context.Files.HeadPaths.Any(p => p.StartsWith(target + "/", StringComparison.Ordinal));

        private static string Folder(string path) => path.Contains('/', StringComparison.Ordinal) ? path[..path.LastIndexOf('/')] : ".";
    }

    private sealed class ExposureMissingOwner : Rule
    {
        public override string Id => "exposure-missing-owner";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "An exposure without an owner has nobody to warn when an upstream change breaks it.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var exposure in context.Dbt.Head.Exposures)
            {
                if (!context.Files.Changed.ContainsKey(exposure.File) || !string.IsNullOrWhiteSpace(exposure.OwnerEmail) || !string.IsNullOrWhiteSpace(exposure.OwnerName))
                {
                    continue;
                }

                var before = context.Dbt.Base.Exposures.FirstOrDefault(e => e.Name == exposure.Name);
                var ownerRemoved = before is not null && (!string.IsNullOrWhiteSpace(before.OwnerEmail) || !string.IsNullOrWhiteSpace(before.OwnerName));
                if (before is not null && !ownerRemoved)
                {
                    continue;
                }

                yield return context.Report(this, exposure.File, exposure.Line, $"Exposure `{exposure.Name}` has no owner",
                    $"Add `owner: {{name: ..., email: ...}}` to `{exposure.Name}` so the people who depend on it are told when an upstream model changes.");
            }
        }
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.ToList();
        return string.Join(", ", list.Take(8).Select(n => $"`{n}`")) + (list.Count > 8 ? $" and {list.Count - 8} more" : "");
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Clip(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
