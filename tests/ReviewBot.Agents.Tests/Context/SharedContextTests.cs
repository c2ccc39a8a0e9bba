using ReviewBot.Agents.Context.Dbt;

namespace ReviewBot.Agents.Tests.Context;

public sealed class SharedContextTests
{
    [Fact]
    public async Task BuildAsync_MaterializationPrecedence_SqlThenYamlThenMostSpecificFolderThenDefault()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\nmodels:\n  p:\n    marts:\n      +materialized: table\n      finance:\n        +materialized: incremental\n",
            ["models/marts/finance/from_sql.sql"] = "{{ config(materialized='view') }} select 1 as id",
            ["models/marts/finance/from_yaml.sql"] = "select 1 as id",
            ["models/marts/finance/from_folder.sql"] = "select 1 as id",
            ["models/marts/from_parent.sql"] = "select 1 as id",
            ["models/staging/default.sql"] = "select 1 as id",
            ["models/staging/py_default.py"] = "def model(dbt, session):\n    return dbt.ref('default')",
            ["models/marts/finance/_props.yml"] = "models:\n  - name: from_yaml\n    config:\n      materialized: ephemeral\n",
        });

        Assert.Equal(("view", "sql"), (state.Nodes["from_sql"].Materialization, state.Nodes["from_sql"].MaterializationOrigin));
        Assert.Equal(("ephemeral", "properties"), (state.Nodes["from_yaml"].Materialization, state.Nodes["from_yaml"].MaterializationOrigin));
        Assert.Equal(("incremental", "dbt_project.yml"), (state.Nodes["from_folder"].Materialization, state.Nodes["from_folder"].MaterializationOrigin));
        Assert.Equal("table", state.Nodes["from_parent"].Materialization);
        Assert.Equal(("view", "default"), (state.Nodes["default"].Materialization, state.Nodes["default"].MaterializationOrigin));
        Assert.Equal("table", state.Nodes["py_default"].Materialization);
        Assert.Equal(["py_default"], state.ChildrenOf("default").ToArray());
    }

    [Fact]
    public async Task BuildAsync_SeveralProjects_FilesBelongToTheDeepestProject()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: root\n",
            ["models/a.sql"] = "select 1 as id",
            ["finance/dbt_project.yml"] = "name: finance\nmodel-paths: [\"transform\"]\n",
            ["finance/transform/b.sql"] = "select id from {{ ref('a') }}",
            ["finance/models/not_a_model.sql"] = "select 1",
            ["dbt_packages/pkg/models/c.sql"] = "select 1",
        });

        Assert.Equal(2, state.Projects.Count);
        Assert.Equal("finance", state.Nodes["b"].Project.Name);
        Assert.Equal("root", state.Nodes["a"].Project.Name);
        Assert.False(state.Nodes.ContainsKey("not_a_model"));
        Assert.False(state.Nodes.ContainsKey("c"));
    }

    [Fact]
    public async Task BuildAsync_SeedsSnapshotsVersionsManifestAndDownstream()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["seeds/countries.csv"] = "code\nDE\n",
            ["snapshots/snap.sql"] = "{% snapshot orders_snap %}select 1{% endsnapshot %}",
            ["models/dim_customers_v2.sql"] = "select 1 as id",
            ["models/_props.yml"] = "models:\n  - name: dim_customers\n    latest_version: 2\n    versions:\n      - v: 2\n",
            ["models/uses.sql"] = "select * from {{ ref('dim_customers') }} join {{ ref('countries') }} using (id) join {{ ref('orders_snap') }} using (id)",
            ["models/leaf.sql"] = "select * from {{ ref('uses') }}",
            ["models/exposures.yml"] = "exposures:\n  - name: dash\n    type: dashboard\n    owner: {email: a@b.c}\n    depends_on: [\"ref('leaf')\"]\n",
            ["target/manifest.json"] = "{\"nodes\": {\"model.pkg.package_model\": {\"resource_type\": \"model\", \"name\": \"package_model\"}}}",
        });

        Assert.Equal(DbtNodeKind.Seed, state.Nodes["countries"].Kind);
        Assert.Equal(DbtNodeKind.Snapshot, state.Nodes["orders_snap"].Kind);
        Assert.True(state.Resolves("dim_customers"));
        Assert.True(state.Resolves("package_model"));
        var downstream = state.Downstream("countries");
        Assert.Equal([("uses", 1), ("leaf", 2), ("dash", 3)], downstream.Select(d => (d.Name, d.Depth)).ToArray());
        Assert.Equal("exposure", downstream[2].Kind);
    }

    [Fact]
    public async Task BuildAsync_BaseAndHead_UnchangedFilesShared_ChangedFilesParsedPerSide()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["models/a.sql"] = "select 1 as id",
            ["models/b.sql"] = "select id from {{ ref('a') }}",
            ["models/old.sql"] = "select 1 as id",
        };
        var after = new Dictionary<string, string>(before)
        {
            ["models/b.sql"] = "select id from {{ ref('a') }} join {{ ref('c') }} using (id)",
            ["models/c.sql"] = "select 2 as id",
        };
        after.Remove("models/old.sql");

        var (dbt, sql, _) = await ContextTestHelpers.BuildAsync(before, after);

        Assert.True(dbt.Base.Nodes.ContainsKey("old"));
        Assert.False(dbt.Head.Nodes.ContainsKey("old"));
        Assert.False(dbt.Base.Nodes.ContainsKey("c"));
        Assert.Single(dbt.Base.Nodes["b"].File!.Refs);
        Assert.Equal(2, dbt.Head.Nodes["b"].File!.Refs.Count);
        Assert.Same(dbt.Base.Nodes["a"].File, dbt.Head.Nodes["a"].File);
        Assert.NotNull(sql.Base("models/old.sql"));
        Assert.Null(sql.Head("models/old.sql"));
    }

    [Fact]
    public async Task BuildAsync_NoDbtProject_EmptyGraphStillBuildsFacts()
    {
        var (dbt, sql, pipeline) = await ContextTestHelpers.BuildAsync(new Dictionary<string, string>(), new Dictionary<string, string>
        {
            ["sql/report.sql"] = "select * from sales limit 10",
            ["jobs/run.py"] = "import os\nURL = os.environ['SALES_URL']\n",
        });

        Assert.False(dbt.Head.IsDbt);
        Assert.Equal("10", Assert.Single(sql.Head("sql/report.sql")!.Limits).Count);
        Assert.Equal("SALES_URL", Assert.Single(pipeline.Head("jobs/run.py").EnvVars).Name);
    }
}
