using System.Diagnostics;
using System.Text;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Reports;
using ReviewBot.TestUtils;

namespace ReviewBot.Pipeline.Tests.BadInput;

/// <summary>
/// The bad-input corpus for what the agents read: SQL and Jinja that do not parse, dbt properties and project files
/// that are not YAML, nest without end, bomb with aliases or repeat keys, and very long or binary-looking text.
/// Every input runs the whole pipeline (shared context + five agents): no crash, governance still completes, the
/// file is named as not analysed (or flagged), and time stays bounded. (Diff-level inputs are in
/// ReviewBot.Core.Tests/Changes; config inputs in ReviewBot.Core.Tests/Configuration.)
/// </summary>
public sealed class HostileContentTests
{
    private static readonly Dictionary<string, string> Project = new(StringComparer.Ordinal)
    {
        ["dbt_project.yml"] = "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n",
        ["models/stg_orders.sql"] = "select\n    id as order_id,\n    status\nfrom {{ source('shop', 'orders') }}\n",
        ["models/_models.yml"] = "version: 2\nmodels:\n  - name: stg_orders\n    description: Orders.\n    columns:\n      - name: order_id\n        description: Primary key.\n        data_tests: [unique, not_null]\n",
    };

    private static string AliasBomb()
    {
        var yaml = new StringBuilder("version: 2\nx0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i <= 12; i++)
        {
            yaml.Append('x').Append(i).Append(": &a").Append(i).Append(" [")
                .Append(string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))).Append("]\n");
        }

        yaml.Append("models:\n  - name: stg_orders\n    description: *a12\n    meta: *a12\n    columns:\n      - name: order_id\n        tags: *a12\n");
        return yaml.ToString();
    }

    /// <summary>Input name -> (file, text). Names are the test cases.</summary>
    private static readonly Dictionary<string, (string File, Func<string> Text)> Inputs = new(StringComparer.Ordinal)
    {
        ["sql-unclosed-if-block"] = ("models/stg_orders.sql", () => "{% if var('full') %}\nselect id as order_id from {{ source('shop', 'orders') }}\n"),
        ["sql-unclosed-expression"] = ("models/stg_orders.sql", () => "select {{ ref('stg_customers' as order_id\nfrom raw.orders\n"),
        ["sql-unbalanced-parentheses"] = ("models/stg_orders.sql", () => "select (((id as order_id\nfrom {{ source('shop', 'orders') }}\n"),
        ["sql-fifty-thousand-nested-parentheses"] = ("models/stg_orders.sql", () => "select " + new string('(', 50_000) + "1" + new string(')', 50_000) + " as order_id\n"),
        ["sql-ten-thousand-nested-jinja-blocks"] = ("models/stg_orders.sql", () => string.Concat(Enumerable.Repeat("{% if true %}", 10_000)) + "\nselect 1 as order_id\n" + string.Concat(Enumerable.Repeat("{% endif %}", 10_000)) + "\n"),
        ["sql-unterminated-string-and-comment"] = ("models/stg_orders.sql", () => "select 'never closed as order_id /* and a comment\nfrom raw.orders\n"),
        ["sql-one-megabyte-line"] = ("models/stg_orders.sql", () => "select " + string.Join(", ", Enumerable.Range(0, 120_000).Select(i => $"c{i}")) + " from {{ source('shop', 'orders') }}\n"),
        ["sql-control-characters"] = ("models/stg_orders.sql", () => "select\u0000 id\u0001 as order_id\u001b[31m\nfrom {{ source('shop', 'orders') }}\n"),
        ["sql-python-instead"] = ("models/stg_orders.sql", () => "def model(dbt, session):\n    return dbt.ref('x')\n"),
        ["yaml-not-yaml"] = ("models/_models.yml", () => "version: 2\nmodels: : :\n  - [name: stg_orders\n"),
        ["yaml-tab-indented"] = ("models/_models.yml", () => "version: 2\nmodels:\n\t- name: stg_orders\n"),
        ["project-deeply-nested-flow"] = ("dbt_project.yml", () => "name: shop\nmodels: " + new string('{', 50_000) + new string('}', 50_000) + "\n"),
        ["yaml-deeply-nested-flow"] = ("models/_models.yml", () => "version: 2\nmodels: " + new string('[', 100_000) + new string(']', 100_000) + "\n"),
        ["yaml-deeply-nested-block"] = ("models/_models.yml", () => "version: 2\nmodels:\n" + string.Concat(Enumerable.Range(1, 5_000).Select(i => new string(' ', i) + "-\n"))),
        ["yaml-alias-bomb"] = ("models/_models.yml", AliasBomb),
        ["yaml-duplicate-top-level-keys"] = ("models/_models.yml", () => Project["models/_models.yml"] + "models:\n  - name: other\n"),
        ["yaml-duplicate-model-keys"] = ("models/_models.yml", () => "version: 2\nmodels:\n  - name: stg_orders\n    name: stg_orders_again\n    description: Orders.\n    description: Twice.\n"),
        ["yaml-wrong-shapes"] = ("models/_models.yml", () => "version: 2\nmodels: 42\nsources: {a: b}\nexposures: [[[]]]\n"),
        ["yaml-five-megabytes"] = ("models/_models.yml", () => "version: 2\nmodels:\n" + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"  - name: m{i}\n    description: model number {i} of many\n"))),
        ["yaml-binary"] = ("models/_models.yml", () => Encoding.Latin1.GetString(Enumerable.Range(0, 4096).Select(i => (byte)((i * 31) % 256)).ToArray())),
        ["project-not-yaml"] = ("dbt_project.yml", () => "name: shop\nmodels: [unclosed\n  - x: :\n"),
        ["project-alias-bomb"] = ("dbt_project.yml", () => AliasBomb().Replace("version: 2", "name: shop", StringComparison.Ordinal)),
        ["project-duplicate-keys"] = ("dbt_project.yml", () => "name: shop\nname: other\nmodel-paths: ['models']\nmodel-paths: ['elsewhere']\n"),
        ["python-pipeline-garbage"] = ("pipelines/load.py", () => "import os\n" + new string('(', 20_000) + "\nos.environ[\n\"\"\"never closed\n"),
    };

    public static TheoryData<string> InputNames => new(Inputs.Keys);

    [Theory]
    [MemberData(nameof(InputNames))]
    public async Task RunAsync_HostileFile_NoCrashBoundedGovernanceCompletesFileAccountedFor(string input)
    {
        var (file, text) = Inputs[input];
        var change = ChangeSets.FromEdits(Project, new Dictionary<string, string?> { [file] = text() });
        var clock = Stopwatch.StartNew();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(change, ReviewConfig.Default, null, timeout.Token);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"{input} took {clock.Elapsed}");
        var governance = Assert.Single(report.Agents, a => a.Name == "governance");
        Assert.Contains(governance.Status, (string[])["completed", "degraded"]);
        Assert.All(report.Agents, a => Assert.True(a.Status is "completed" or "degraded", $"{a.Name} {a.Status}: {a.Reason}"));
        // A file no agent could follow is never "reviewed": the run may be incomplete, but only for that file, named.
        Assert.True(
            !report.Incomplete || (report.Title.StartsWith("Not reviewed: governance could not analyse", StringComparison.Ordinal) && report.Coverage.Unanalysed.Any(u => u.File == file)),
            $"{input}: {report.Title}");
        Assert.StartsWith(CommentRendererMarker, report.Markdown, StringComparison.Ordinal);
        Assert.True(report.Markdown.Length <= 65_536);
        var accounted = report.Findings.Any(f => f.File == file)
            || report.Coverage.NotAnalysed.Any(s => s.File == file)
            || report.Coverage.Skipped.Any(s => s.File == file)
            || report.Agents.Any(a => a.Notes.Any(n => n.Contains(file, StringComparison.Ordinal)));
        Assert.True(accounted || Parses(input), $"{input}: {file} is neither flagged nor listed as not analysed");
    }

    private const string CommentRendererMarker = "<!-- reviewbot:comment -->";

    /// <summary>
    /// Inputs that are valid after all (a long line, big YAML, legal but odd shapes, balanced Jinja, aliases within
    /// bounds), or Python, which the pipeline scanner reads line by line and never parses: no "could not analyse" is owed.
    /// </summary>
    private static bool Parses(string input) => input is "sql-one-megabyte-line" or "yaml-five-megabytes" or "yaml-wrong-shapes" or "sql-fifty-thousand-nested-parentheses" or "sql-control-characters"
        or "sql-ten-thousand-nested-jinja-blocks" or "project-alias-bomb" or "python-pipeline-garbage"
        // Repeated keys are valid for dbt (PyYAML keeps the last one), so they are read, not refused.
        or "yaml-duplicate-top-level-keys" or "yaml-duplicate-model-keys" or "project-duplicate-keys";
}
