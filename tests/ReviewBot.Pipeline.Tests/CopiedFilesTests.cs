using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Pipeline.Tests;

/// <summary>A model copied from another (git reports "copy from/copy to") is a new model for every rule.</summary>
public sealed class CopiedFilesTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task RunAsync_ModelCopiedFromAnother_ReviewedAsANewModelAndTheOriginalLosesNothing()
    {
        var model = "select\n" + string.Join(",\n", Enumerable.Range(1, 12).Select(i => $"    c{i}")) + ",\n    order_id\nfrom {{ source('shop', 'orders') }}\n";
        _repo.WriteFile("dbt_project.yml", "name: shop\nconfig-version: 2\nmodel-paths: ['models']\n");
        _repo.WriteFile("models/sources.yml", "version: 2\nsources:\n  - name: shop\n    tables:\n      - name: orders\n");
        _repo.WriteFile("models/fct_orders.sql", model);
        _repo.WriteFile("models/_models.yml", "version: 2\nmodels:\n  - name: fct_orders\n    description: Orders.\n    columns:\n      - name: order_id\n        description: Key.\n        data_tests: [unique, not_null]\n");
        var @base = _repo.Commit("base");
        _repo.WriteFile("models/fct_orders_eu.sql", model.Replace("    c12,\n", "    c12,\n    region,\n", StringComparison.Ordinal));
        _repo.WriteFile("models/fct_orders.sql", model + "where true\n"); // git -C finds copies of files the change also touched
        var head = _repo.Commit("copy");

        var change = await GitChangeSource.FromRangeAsync(_repo.Root, @base, head, CancellationToken.None);
        Assert.Contains(change.Files, f => f.Kind == ChangeKind.Copied && f.Path == "models/fct_orders_eu.sql");

        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(change, ReviewConfig.Default, null, CancellationToken.None);

        Assert.DoesNotContain(report.Findings, f => f.Rule == "tests-removed");
        // One finding asks for the new model's properties entry and its key tests (see missing-primary-key-test).
        var undocumented = Assert.Single(report.Findings, f => f.Rule == "model-undocumented" && f.File == "models/fct_orders_eu.sql");
        Assert.Contains("`unique` and `not_null` tests on `order_id`", undocumented.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsAdditionsAsync_CopiedFile_EveryHeadLineIsAddedAndTheBasePathIsItsOwn()
    {
        var change = ChangeSets.FromEdits(new Dictionary<string, string>(StringComparer.Ordinal) { ["a.sql"] = "select 1\n" }, new Dictionary<string, string?> { ["b.sql"] = "select 1\nunion all\nselect 2" });
        var copied = change with { Files = [new FileChange("b.sql", ChangeKind.Copied, []) { OldPath = "a.sql", Similarity = 60 }] };

        var result = await CopiedFiles.AsAdditionsAsync(copied, CancellationToken.None);

        var file = Assert.Single(result.Files);
        Assert.Equal((ChangeKind.Added, null, "b.sql"), (file.Kind, file.OldPath, file.BasePath));
        Assert.Equal(["select 1", "union all", "select 2"], file.AddedLines.Select(l => l.Text));
        Assert.Equal([1, 2, 3], file.AddedLines.Select(l => l.HeadLine!.Value));
    }
}
