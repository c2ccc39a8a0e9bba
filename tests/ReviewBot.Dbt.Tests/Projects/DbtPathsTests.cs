using ReviewBot.Dbt.Projects;

namespace ReviewBot.Dbt.Tests.Projects;

public sealed class DbtPathsTests
{
    [Fact]
    public void Classify_TwoProjectsCustomFolders_EachPathItsRoleAndProject()
    {
        var repository = DbtRepository.Load(new InMemoryFiles(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: core\nseed-paths: ['reference']\n",
            ["finance/dbt_project.yml"] = "name: finance\nmodel-paths: ['transform']\nmacro-paths: ['jinja']\nsnapshot-paths: ['history']\n",
        }));

        Assert.Equal((DbtPathRole.Model, "core"), Role(repository, "models/a.sql"));
        Assert.Equal((DbtPathRole.Model, "core"), Role(repository, "models/py/b.py"));
        Assert.Equal((DbtPathRole.Properties, "core"), Role(repository, "models/_a.yml"));
        Assert.Equal((DbtPathRole.Seed, "core"), Role(repository, "reference/country_codes.csv"));
        Assert.Equal((DbtPathRole.None, "core"), Role(repository, "seeds/old.csv"));
        Assert.Equal((DbtPathRole.Packages, "core"), Role(repository, "packages.yml"));
        Assert.Equal((DbtPathRole.Manifest, "core"), Role(repository, "target/manifest.json"));
        Assert.Equal((DbtPathRole.Model, "finance"), Role(repository, "finance/transform/revenue.sql"));
        Assert.Equal((DbtPathRole.Macro, "finance"), Role(repository, "finance/jinja/cents.sql"));
        Assert.Equal((DbtPathRole.Snapshot, "finance"), Role(repository, "finance/history/accounts.sql"));
        Assert.Equal((DbtPathRole.None, "finance"), Role(repository, "finance/models/not_a_model.sql"));
        Assert.Equal((DbtPathRole.None, null), Role(repository, "finance/dbt_packages/x/models/m.sql"));
        Assert.Equal((DbtPathRole.None, null), Role(repository, "models/target/compiled.sql"));
    }

    [Fact]
    public void Classify_FolderOutsideTheProjectRoot_OwnedByTheProjectThatNamesIt()
    {
        var repository = DbtRepository.Load(new InMemoryFiles(new Dictionary<string, string>
        {
            ["projects/chains/dbt_project.yml"] = "name: chains\nmodel-paths: ['models', '../../shared_sources']\nmacro-paths: ['macros', '../../shared_macros']\n",
        }));

        Assert.Equal((DbtPathRole.Properties, "chains"), Role(repository, "shared_sources/ethereum/_sources.yml"));
        Assert.Equal((DbtPathRole.Model, "chains"), Role(repository, "shared_sources/ethereum/stg_blocks.sql"));
        Assert.Equal((DbtPathRole.Macro, "chains"), Role(repository, "shared_macros/hex.sql"));
        Assert.Equal((DbtPathRole.None, null), Role(repository, "docs/readme.sql"));
    }

    [Fact]
    public void IsProjectFile_VendoredAndBuildOutputExcluded()
    {
        Assert.True(DbtPaths.IsProjectFile("dbt_project.yml"));
        Assert.True(DbtPaths.IsProjectFile("warehouse/dbt_project.yml"));
        Assert.False(DbtPaths.IsProjectFile("dbt_packages/dbt_utils/dbt_project.yml"));
        Assert.False(DbtPaths.IsProjectFile("warehouse/target/dbt_project.yml"));
    }

    private static (DbtPathRole, string?) Role(DbtRepository repository, string path)
    {
        var info = repository.Classify(path);
        return (info.Role, info.Project?.Name);
    }
}

public sealed class MacroFileTests
{
    [Fact]
    public void IsMacroFileAndMacrosDefinedIn_OwnAndVendoredMacroFolders()
    {
        var repository = DbtRepository.Load(new InMemoryFiles(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: core\nmacro-paths: ['jinja']\n",
            ["jinja/money.sql"] = "{% macro cents(c) %}{{ c }} / 100{% endmacro %}\n{% macro snowflake__cents(c) %}{{ c }} / 100.0{% endmacro %}",
            ["dbt_packages/util/dbt_project.yml"] = "name: util\n",
            ["dbt_packages/util/macros/u.sql"] = "{% macro helper() %}1{% endmacro %}",
            ["macros/not_a_macro_folder.sql"] = "{% macro unused() %}1{% endmacro %}",
        }));

        Assert.True(repository.IsMacroFile("jinja/money.sql"));
        Assert.True(repository.IsMacroFile("dbt_packages/util/macros/u.sql"));
        Assert.False(repository.IsMacroFile("macros/not_a_macro_folder.sql"));
        Assert.Equal(["cents", "snowflake__cents"], repository.MacrosDefinedIn("jinja/money.sql"));
        Assert.True(DbtRepository.IsSupportFile("dbt_packages/util/dbt_project.yml"));
        Assert.True(DbtRepository.IsSupportFile("profiles.yml"));
        Assert.False(DbtRepository.IsSupportFile("models/a.sql"));
    }
}
