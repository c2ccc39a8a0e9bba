using ReviewBot.Agents.Context.Dbt;

namespace ReviewBot.Agents.Tests.Context;

public sealed class DbtYamlTests
{
    [Fact]
    public void ParseProperties_OldAndNewForms_TestsMetaConstraintsContractsVersions()
    {
        var file = DbtYaml.ParseProperties("models/schema.yml", """
            version: 2
            models:
              - name: old_style
                description: Old form.
                meta: {owner: finance}
                columns:
                  - name: id
                    tests: [unique, not_null]
                  - name: email
                    meta: {contains_pii: true}
              - name: new_style
                config:
                  materialized: table
                  contract: {enforced: true}
                  meta: {tier: gold}
                data_tests:
                  - dbt_utils.unique_combination_of_columns:
                      combination_of_columns: [a, b]
                columns:
                  - name: a
                    data_type: int
                    constraints: [{type: not_null}, {type: primary_key}]
                    config:
                      meta: {contains_pii: false}
                    policy_tags: ['projects/p/taxonomies/t/policyTags/pii']
              - name: versioned
                latest_version: 2
                versions:
                  - v: 1
                    columns: [{name: a}, {name: b}]
                  - v: 2
                    columns: [{name: a}]
            """);

        Assert.Null(file.Error);
        var old = file.Nodes[0];
        Assert.True(old.Column("id")!.HasTest("unique"));
        Assert.Equal("true", old.Column("email")!.Meta["contains_pii"]);
        Assert.Equal("finance", old.Meta["owner"]);
        var modern = file.Nodes[1];
        Assert.Equal("table", modern.Config["materialized"]);
        Assert.True(modern.ContractEnforced);
        Assert.Equal("gold", modern.Meta["tier"]);
        Assert.Contains("dbt_utils.unique_combination_of_columns", modern.Tests);
        Assert.True(modern.Column("a")!.HasTest("primary_key"));
        Assert.Equal("int", modern.Column("a")!.DataType);
        Assert.Single(modern.Column("a")!.PolicyTags);
        var versioned = file.Nodes[2];
        Assert.Equal("2", versioned.LatestVersion);
        Assert.Equal(2, versioned.Versions[0].Columns.Count);
    }

    [Fact]
    public void ParseProperties_SourcesAndExposures()
    {
        var file = DbtYaml.ParseProperties("models/x.yml", """
            sources:
              - name: raw
                meta: {contains_pii: true}
                tables:
                  - name: users
                    identifier: tbl_users
            exposures:
              - name: dash
                type: dashboard
                owner: {name: BI, email: bi@example.com}
                depends_on: ["ref('a')", "ref('pkg', 'b')", "source('raw', 'users')"]
            """);

        var source = Assert.Single(file.Sources);
        Assert.Equal("raw.users", source.Key);
        Assert.Equal("tbl_users", source.Identifier);
        Assert.Equal("true", source.Meta["contains_pii"]);
        var exposure = Assert.Single(file.Exposures);
        Assert.Equal(["a", "b"], exposure.DependsOn.ToArray());
        Assert.Equal(["raw.users"], exposure.DependsOnSources.ToArray());
        Assert.Equal("bi@example.com", exposure.OwnerEmail);
    }

    [Fact]
    public void ParseProperties_BrokenYaml_ReturnsErrorNotException()
    {
        var file = DbtYaml.ParseProperties("models/x.yml", "models:\n  - name: a\n   bad: [");

        Assert.NotNull(file.Error);
        Assert.Empty(file.Nodes);
    }

    [Fact]
    public void Project_FolderConfigsAndHooksOverTheRepositoryDefinition()
    {
        const string text = """
            name: analytics
            model-paths: ["transform"]
            on-run-start: "create schema if not exists audit"
            models:
              analytics:
                +materialized: view
                marts:
                  materialized: table
                  +post-hook: ["grant select on {{ this }} to role bi"]
                  finance:
                    +materialized: incremental
              other_package:
                +enabled: false
            """;
        var repository = ReviewBot.Dbt.Projects.DbtRepository.Load(new ReviewBot.Dbt.Projects.InMemoryFiles(new Dictionary<string, string> { ["analytics/dbt_project.yml"] = text }));

        var project = DbtYaml.Project(Assert.Single(repository.Projects), "analytics/dbt_project.yml", text);

        Assert.Equal(("analytics", "analytics"), (project.Name, project.Root));
        Assert.Equal(["analytics/transform"], project.Definition.ModelPaths.ToArray());
        Assert.Contains(project.FolderConfigs, c => c.Segments.Count == 0 && c.Key == "materialized" && c.Value == "view");
        Assert.Contains(project.FolderConfigs, c => c.Segments.SequenceEqual(["marts"]) && c.Key == "materialized" && c.Value == "table");
        Assert.Contains(project.FolderConfigs, c => c.Segments.SequenceEqual(["marts", "finance"]) && c.Value == "incremental");
        Assert.DoesNotContain(project.FolderConfigs, c => c.Key == "enabled");
        Assert.Equal(2, project.Hooks.Count);
    }
}

/// <summary>YAML that dbt accepts must not make a properties file "unparseable" (which hid every change in it).</summary>
public sealed class DbtYamlToleranceTests
{
    [Fact]
    public void ParseProperties_MergeKeysFromAnAnchor_ColumnsGetTheMergedTests()
    {
        const string yaml = """
            version: 2
            x-key-tests: &key_tests
              data_tests:
                - unique
                - not_null
            models:
              - name: orders
                columns:
                  - name: order_id
                    <<: *key_tests
                    description: Key.
            """;

        var file = DbtYaml.ParseProperties("models/_models.yml", yaml);

        Assert.Null(file.Error);
        var column = Assert.Single(Assert.Single(file.Nodes).Columns);
        Assert.Equal(["unique", "not_null"], column.Tests);
        Assert.Equal("Key.", column.Description);
    }

    [Fact]
    public void ParseProperties_RepeatedKeys_AcceptedLastWinsAsInDbt()
    {
        const string yaml = """
            version: 2
            models:
              - name: orders
                description: First.
                description: Second.
                columns:
                  - name: order_id
                    data_tests: [unique]
                    data_tests: [unique, not_null]
            """;

        var file = DbtYaml.ParseProperties("models/_models.yml", yaml);

        Assert.Null(file.Error);
        var model = Assert.Single(file.Nodes);
        Assert.Equal("Second.", model.Description);
        Assert.Equal(["unique", "not_null"], Assert.Single(model.Columns).Tests);
    }
    [Fact]
    public void ParseProperties_MergeKeyOfAListOfMappings_MergedAsPyYamlDoes()
    {
        // The shape of a real dbt project's schema file: a list of columns anchored, then merged into one list entry.
        // PyYAML merges the list's mappings into that entry, the earlier mapping winning; dbt sees one column.
        const string yaml = """
            version: 2
            models:
              - name: transfers_base
                columns: &base_columns
                  - name: unique_key
                    description: Surrogate key.
                  - name: chain
                    description: The chain.
              - name: transfers
                columns:
                  - <<: *base_columns
                  - name: symbol
                    description: The token symbol.
            """;

        var file = DbtYaml.ParseProperties("models/_schema.yml", yaml);

        Assert.Null(file.Error);
        var transfers = Assert.Single(file.Nodes, n => n.Name == "transfers");
        Assert.Equal(["unique_key", "symbol"], transfers.Columns.Select(c => c.Name));
        Assert.Equal("Surrogate key.", transfers.Columns[0].Description);
        Assert.Equal(2, Assert.Single(file.Nodes, n => n.Name == "transfers_base").Columns.Count);
    }

    [Fact]
    public void ParseProperties_MergeOfAMappingThatMergesAnother_BothLevelsExpanded()
    {
        const string yaml = """
            version: 2
            x-base: &base
              data_tests: [not_null]
              description: Base.
            x-key: &key
              <<: *base
              data_tests: [unique, not_null]
            models:
              - name: orders
                columns:
                  - name: order_id
                    <<: *key
            """;

        var column = Assert.Single(Assert.Single(DbtYaml.ParseProperties("models/_models.yml", yaml).Nodes).Columns);

        Assert.Equal(["unique", "not_null"], column.Tests);
        Assert.Equal("Base.", column.Description);
    }

    [Theory]
    [InlineData(400, true)]
    [InlineData(10_000, false)] // each link re-counts the chain below it: refused by the expansion guard, never a crash
    public void ParseProperties_ChainedMerges_ExpandedOrRefusedCleanly(int links, bool expanded)
    {
        var yaml = new System.Text.StringBuilder("version: 2\nx-0: &a0\n  description: Deep.\n");
        for (var i = 1; i < links; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"x-{i}: &a{i}\n  <<: *a{i - 1}\n");
        }

        yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"models:\n  - name: orders\n    columns:\n      - name: id\n        <<: *a{links - 1}\n");

        var file = DbtYaml.ParseProperties("models/_models.yml", yaml.ToString());

        if (expanded)
        {
            Assert.Null(file.Error);
            Assert.Equal("Deep.", Assert.Single(Assert.Single(file.Nodes).Columns).Description);
        }
        else
        {
            Assert.Contains("anchors and aliases expand to more than", file.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("<<: *name")]
    [InlineData("<<: [*name]")]
    public void ParseProperties_MergeKeyOfAScalar_TheFileIsUnparsedWithTheReason(string merge)
    {
        // dbt refuses it too ("expected a mapping or list of mappings for merging"); it must never take the review down.
        var yaml = $"""
            version: 2
            x-name: &name orders
            models:
              - name: orders
                {merge}
            """;

        var file = DbtYaml.ParseProperties("models/_models.yml", yaml);

        Assert.Contains("a merge key (<<) takes a mapping or a list of mappings", file.Error, StringComparison.Ordinal);
    }
}
