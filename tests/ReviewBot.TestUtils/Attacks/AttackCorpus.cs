using System.Formats.Tar;
using System.Text;
using ReviewBot.TestUtils.GitHub;
using Xunit;

namespace ReviewBot.TestUtils.Attacks;

/// <summary>The hosts an attack runs through; every case runs through the pipeline.</summary>
[Flags]
public enum AttackLevels
{
    /// <summary>The pipeline over a real git range (<c>GitChangeSource</c>).</summary>
    Pipeline = 1,

    /// <summary><c>reviewbot action</c> with the pull request checked out in <c>GITHUB_WORKSPACE</c>.</summary>
    ActionCheckout = 2,

    /// <summary><c>reviewbot action</c> without a checkout: files list, tarballs and contents API.</summary>
    ActionApi = 4,

    /// <summary>The App on loopback, a signed webhook, the API path (it never has a checkout).</summary>
    App = 8,

    All = Pipeline | ActionCheckout | ActionApi | App,
}

/// <summary>
/// One attack on the honest gate (issue 19): a repository's base (config and files) and what the pull request
/// changes, and what the check must say. The same table drives the pipeline tests, the Action tests (with and
/// without a checkout) and the App tests, so "0 false greens" means the same thing at every level.
/// </summary>
public sealed record AttackCase(string Name, string Attack)
{
    /// <summary>The base commit's <c>.github/reviewbot.yml</c> (null: no config file, the defaults).</summary>
    public string? Config { get; init; }

    /// <summary>Files of the base commit besides the config.</summary>
    public IReadOnlyDictionary<string, string> Base { get; init; } = AttackCorpus.BaseFiles;

    /// <summary>Files the pull request writes (a NUL character makes a file binary by content).</summary>
    public required IReadOnlyDictionary<string, string> Head { get; init; }

    /// <summary>"success" or "failure": the check's conclusion.</summary>
    public required string Conclusion { get; init; }

    /// <summary>When set, the check title starts with this text.</summary>
    public string? TitleStartsWith { get; init; }

    /// <summary>Text the check title must contain (e.g. the file it names).</summary>
    public string? TitleContains { get; init; }

    /// <summary>Text the comment must contain (after removing Markdown escapes and code marks).</summary>
    public required string CommentContains { get; init; }

    /// <summary>Hosts/levels this case applies to.</summary>
    public AttackLevels Levels { get; init; } = AttackLevels.All;

    /// <summary>The LLM of the run answers from a closed loopback port (hosts pass it as their LLM settings).</summary>
    public bool UnreachableLlm { get; init; }

    /// <summary>True for a control case: a legitimate change that must still pass (no false red either).</summary>
    public bool Control => Conclusion == "success";

    public override string ToString() => Name;
}

/// <summary>The attack table (see <see cref="AttackCase"/>).</summary>
public static class AttackCorpus
{
    /// <summary>The closed loopback endpoint an <see cref="AttackCase.UnreachableLlm"/> case points its LLM at.</summary>
    public const string UnreachableEndpoint = "http://127.0.0.1:9/";

    internal static readonly IReadOnlyDictionary<string, string> BaseFiles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["migrations/001_init.sql"] = "create table analytics.customers (id int, email text);\n",
        ["README.md"] = "# Warehouse\n",
    };

    /// <summary>A small dbt project: a staging model and an unchanged mart that reads its <c>amount</c> column.</summary>
    internal static readonly IReadOnlyDictionary<string, string> DbtProject = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["dbt_project.yml"] = "name: shop\nversion: '1.0.0'\nprofile: shop\nmodel-paths: ['models']\n",
        ["models/staging/sources.yml"] = "version: 2\nsources:\n  - name: shop\n    tables:\n      - name: orders\n",
        ["models/staging/stg_orders.sql"] = "select\n    id,\n    amount,\n    status\nfrom {{ source('shop', 'orders') }}\n",
        ["models/marts/orders.sql"] = "select\n    id,\n    amount * 100 as amount_cents\nfrom {{ ref('stg_orders') }}\n",
        ["README.md"] = "# Shop\n",
    };

    private const string Grant = "grant select on analytics.customers to public;\n";

    /// <summary>Every case, by name.</summary>
    public static IReadOnlyList<AttackCase> All { get; } =
    [
        new("padded-past-max-file-bytes", "a migration padded past 1 MiB with a SQL comment")
        {
            Head = new Dictionary<string, string> { ["migrations/002_grant.sql"] = Grant + "-- " + new string('x', (1 << 20) + 10) + "\n" },
            Conclusion = "failure",
            TitleStartsWith = "Not reviewed: governance could not analyse 1 file (migrations/002_grant.sql: ",
            CommentContains = "migrations/002_grant.sql",
        },
        new("secret-past-a-long-line", "a cloud key at the end of a 6,000-character line")
        {
            Head = new Dictionary<string, string> { ["pipelines/load.py"] = "import boto3\n\nNOTE = \"" + new string('a', 6_000) + "\"; AWS_ACCESS_KEY_ID = \"AKIAZ7QW3RT5YU8IOP2K\"\n" },
            Conclusion = "failure",
            CommentContains = "secret-in-code",
        },
        new("gitattributes-minus-diff", "the pull request adds `.gitattributes` with `* -diff`")
        {
            Head = new Dictionary<string, string> { [".gitattributes"] = "* -diff\n", ["migrations/002_grant.sql"] = Grant },
            Conclusion = "failure",
            CommentContains = "migrations/002_grant.sql",
        },
        new("gitattributes-binary", "the pull request adds `.gitattributes` with `* binary`")
        {
            Head = new Dictionary<string, string> { [".gitattributes"] = "* binary\n", ["migrations/002_grant.sql"] = Grant },
            Conclusion = "failure",
            CommentContains = "migrations/002_grant.sql",
        },
        new("export-ignore-hides-the-change", "the pull request adds `.gitattributes` with `migrations/** export-ignore`")
        {
            Head = new Dictionary<string, string> { [".gitattributes"] = "migrations/** export-ignore\n", ["migrations/002_grant.sql"] = Grant },
            Conclusion = "failure",
            CommentContains = "grant-to-public",
        },
        new("export-ignore-hides-the-downstream-model", "the pull request drops a column and adds `models/marts/** export-ignore`, hiding the unchanged model that still reads it")
        {
            Base = DbtProject,
            Head = new Dictionary<string, string>
            {
                [".gitattributes"] = "models/marts/** export-ignore\n",
                ["models/staging/stg_orders.sql"] = "select\n    id,\n    status\nfrom {{ source('shop', 'orders') }}\n",
            },
            Conclusion = "failure",
            CommentContains = "column-removed-referenced",
        },
        new("filler-prose-pushes-past-max-files", "filler `.md` files sorting first push the migration past `limits.max_files`")
        {
            Config = "limits:\n  max_files: 20\n",
            Head = Enumerable.Range(0, 30).ToDictionary(i => $"aaa/filler-{i:D2}.md", i => $"note {i}\n")
                .Append(new KeyValuePair<string, string>("migrations/002_grant.sql", Grant)).ToDictionary(StringComparer.Ordinal),
            Conclusion = "failure",
            CommentContains = "grant-to-public",
        },
        new("yaml-merge-of-a-list", "a dbt properties file merges an anchored list of columns (`<<: *columns`), as a real project does")
        {
            // YamlDotNet's merging parser threw on this shape (not a YAML error) and the CLI aborted; PyYAML merges it.
            Head = new Dictionary<string, string>
            {
                ["dbt_project.yml"] = "name: shop\nversion: '1.0'\nprofile: shop\nmodel-paths: ['models']\n",
                ["models/base.sql"] = "select 1 as id\n",
                ["models/_schema.yml"] = "version: 2\nmodels:\n  - name: base\n    columns: &cols\n      - name: id\n        description: Key.\n  - name: transfers\n    columns:\n      - <<: *cols\n      - name: api_key\n        description: \"use AKIAZ7QW3RT5YU8IOP2K\"\n",
            },
            Conclusion = "failure",
            CommentContains = "secret-in-code",
        },
        new("ten-thousand-nested-subqueries", "10,000 nested subqueries in one migration")
        {
            Head = new Dictionary<string, string> { ["migrations/002_deep.sql"] = string.Concat(Enumerable.Repeat("select * from (", 10_000)) + "select 1 as x" + new string(')', 10_000) + "\n" },
            Conclusion = "failure",
            TitleStartsWith = "Not reviewed: ",
            TitleContains = "migrations/002_deep.sql",
            CommentContains = "migrations/002_deep.sql",
        },
        new("catastrophic-custom-regex", "a required custom agent's regex backtracks catastrophically against a 3 s timeout")
        {
            Config = "agents:\n  backtrack:\n    lane: critical\n    policy: required\n    timeout: 3s\n    patterns:\n      - id: nested\n        regex: \"^(a+)+$\"\n",
            Head = new Dictionary<string, string> { ["notes/payload.txt"] = string.Concat(Enumerable.Range(0, 100).Select(_ => new string('a', 40) + "!\n")) },
            Conclusion = "failure",
            TitleStartsWith = "Not reviewed: ",
            TitleContains = "backtrack",
            CommentContains = "backtrack",
        },
        new("llm-can-block-without-credentials", "`llm.can_block: true` and no LLM settings reach the run")
        {
            Config = "llm:\n  provider: azure-openai\n  deployment: gpt-4o-review\n  can_block: true\n",
            Head = new Dictionary<string, string> { ["migrations/002_view.sql"] = "create view analytics.v as select id from analytics.customers;\n" },
            Conclusion = "failure",
            TitleStartsWith = "Not reviewed: llm.can_block is on but the LLM pass could not run",
            CommentContains = "llm.can_block",
        },
        new("llm-can-block-model-unreachable", "`llm.can_block: true` and the model is unreachable")
        {
            Config = "llm:\n  provider: azure-openai\n  deployment: gpt-4o-review\n  can_block: true\n",
            Head = new Dictionary<string, string> { ["migrations/002_view.sql"] = "create view analytics.v as select id from analytics.customers;\n" },
            UnreachableLlm = true,
            Conclusion = "failure",
            TitleStartsWith = "Not reviewed: ",
            TitleContains = "llm.can_block",
            CommentContains = "Not reviewed",
        },
        new("control-binary-data", "control: a real binary data file is listed, never blocks")
        {
            Head = new Dictionary<string, string> { ["data/sample.parquet"] = "PAR1\0\0\0\u0001\u0002\u0003" },
            Conclusion = "success",
            CommentContains = "data/sample.parquet",
        },
        new("control-on-unanalysed-warn", "control: `on_unanalysed: warn` passes and lists the file")
        {
            Config = "on_unanalysed: warn\nlimits:\n  max_file_bytes: 1000\n",
            Head = new Dictionary<string, string> { ["migrations/002_note.sql"] = "-- " + new string('x', 5_000) + "\n" },
            Conclusion = "success",
            TitleContains = "not analysed (on_unanalysed: warn)",
            CommentContains = "migrations/002_note.sql",
        },
    ];

    /// <summary>The cases for one level, as xUnit theory data (by name, so test names stay readable).</summary>
    public static TheoryData<string> For(AttackLevels level)
    {
        var data = new TheoryData<string>();
        foreach (var c in All.Where(c => c.Levels.HasFlag(level)))
        {
            data.Add(c.Name);
        }

        return data;
    }

    public static AttackCase Get(string name) => All.Single(c => c.Name == name);

    /// <summary>The one set of assertions every level makes on what its host published.</summary>
    public static void AssertVerdict(AttackCase attack, string conclusion, string title, string comment)
    {
        var context = $"{attack.Name} ({attack.Attack}): {conclusion}: {title}";
        Assert.True(attack.Conclusion == conclusion, $"expected {attack.Conclusion}, got {context}");
        if (attack.TitleStartsWith is { } start)
        {
            Assert.True(title.StartsWith(start, StringComparison.Ordinal), $"title should start with '{start}': {context}");
        }

        if (attack.TitleContains is { } part)
        {
            Assert.True(title.Contains(part, StringComparison.Ordinal), $"title should contain '{part}': {context}");
        }

        Assert.True(Plain(comment).Contains(attack.CommentContains, StringComparison.Ordinal), $"comment should contain '{attack.CommentContains}': {context}\n{comment}");
        if (!attack.Control)
        {
            Assert.DoesNotContain("passed", comment.Split('\n').FirstOrDefault(l => l.StartsWith("#", StringComparison.Ordinal)) ?? "", StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>The comment with Markdown escapes and code marks removed, for <see cref="AttackCase.CommentContains"/>.</summary>
    public static string Plain(string markdown) => markdown.Replace("\\", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);
}

/// <summary>
/// A case as a real git repository (base on <c>main</c>, the pull request on <c>feature</c>), and as the fake GitHub
/// serves it: the files API's patches (none for what git calls binary, as GitHub does), both commits' trees, and the
/// files <c>git archive</c> leaves out (<c>export-ignore</c>), which the fake's tarballs then lack too.
/// </summary>
public sealed class AttackRepo : IDisposable
{
    private AttackRepo(AttackCase attack)
    {
        Case = attack;
        Repo = TempGitRepo.Create();
        if (attack.Config is not null)
        {
            Repo.WriteFile(".github/reviewbot.yml", attack.Config);
        }

        foreach (var (path, text) in attack.Base)
        {
            Repo.WriteFile(path, Bytes(text));
        }

        BaseSha = Repo.Commit("base");
        Repo.Branch("feature", checkout: true);
        foreach (var (path, text) in attack.Head)
        {
            Repo.WriteFile(path, Bytes(text));
        }

        HeadSha = Repo.Commit("pull request");
    }

    public AttackCase Case { get; }

    public TempGitRepo Repo { get; }

    public string BaseSha { get; }

    public string HeadSha { get; }

    public static AttackRepo Create(AttackCase attack) => new(attack);

    /// <summary>Seeds <paramref name="github"/> with this pull request: SHAs, files with patches, and (for the API path) trees.</summary>
    public void Publish(FakeGitHub github, bool trees)
    {
        github.BaseSha = BaseSha;
        github.HeadSha = HeadSha;
        foreach (var section in Repo.Run("diff", "--no-color", "--no-renames", "--unified=3", BaseSha, HeadSha).Split("diff --git ", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = section.Split('\n');
            var added = lines.Any(l => l.StartsWith("new file mode", StringComparison.Ordinal));
            var deleted = lines.Any(l => l.StartsWith("deleted file mode", StringComparison.Ordinal));
            var path = lines[0].Split(" b/", 2)[1];
            var hunk = section.IndexOf("\n@@", StringComparison.Ordinal);
            github.AddFile(path, added ? "added" : deleted ? "removed" : "modified", hunk < 0 ? null : section[hunk..].Trim('\n'));
        }

        if (!trees)
        {
            return;
        }

        foreach (var sha in new[] { BaseSha, HeadSha })
        {
            var tree = Repo.Run("ls-tree", "-r", "--name-only", "-z", sha).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            github.Trees[sha] = tree.ToDictionary(p => p, p => Encoding.UTF8.GetString(Repo.RunBytes("show", $"{sha}:{p}")), StringComparer.Ordinal);
            var archived = Archived(sha);
            github.ExportIgnored.UnionWith(tree.Where(p => !archived.Contains(p)));
        }
    }

    public void Dispose() => Repo.Dispose();

    private HashSet<string> Archived(string sha)
    {
        using var tar = new MemoryStream(Repo.RunBytes("archive", "--format=tar", sha));
        using var reader = new TarReader(tar);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                names.Add(entry.Name);
            }
        }

        return names;
    }

    private static byte[] Bytes(string text) => new UTF8Encoding(false).GetBytes(text);
}
