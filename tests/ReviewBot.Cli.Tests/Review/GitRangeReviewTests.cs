using System.Text.Json;
using ReviewBot.TestUtils;

namespace ReviewBot.Cli.Tests.Review;

[Collection(ConsoleCollection.Name)]
public sealed class GitRangeReviewTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public GitRangeReviewTests()
    {
        _repo.WriteFile("dbt_project.yml", "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n")
            .WriteFile("models/staging/_sources.yml", "version: 2\nsources:\n  - name: shop\n    tables:\n      - name: customers\n        description: Raw customers.\n")
            .WriteFile("models/staging/stg_customers.sql", "select\n    id as customer_id,\n    first_name\nfrom {{ source('shop', 'customers') }}\n")
            .WriteFile("models/staging/_stg.yml", "version: 2\nmodels:\n  - name: stg_customers\n    description: Customers.\n    columns:\n      - name: customer_id\n        description: Primary key.\n        data_tests: [unique, not_null]\n      - name: first_name\n        description: Given name.\n")
            .Commit("base project");
        _repo.Branch("feature", checkout: true);
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Review_CleanDocumentedChange_PassesWithExitZero()
    {
        _repo.WriteFile("models/marts/dim_customers.sql", "select\n    customer_id,\n    count(*) as number_of_orders\nfrom {{ ref('stg_customers') }}\ngroup by customer_id\n")
            .WriteFile("models/marts/_marts.yml", "version: 2\nmodels:\n  - name: dim_customers\n    description: One row per customer.\n    columns:\n      - name: customer_id\n        description: Primary key.\n        data_tests: [unique, not_null]\n      - name: number_of_orders\n        description: Orders placed so far.\n")
            .Commit("add dim_customers");

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "main", "--format", "json");

        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal("success", doc.RootElement.GetProperty("conclusion").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("coverage").GetProperty("filesChanged").GetInt32());
        Assert.DoesNotContain(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("severity").GetString() is "critical" or "high" or "medium");
    }

    [Fact]
    public async Task Review_UntaggedPiiColumn_FailsAndPointsAtTheChangedLine()
    {
        _repo.WriteFile("models/staging/stg_customers.sql", "select\n    id as customer_id,\n    first_name,\n    email\nfrom {{ source('shop', 'customers') }}\n")
            .Commit("add email");

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "main", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var pii = Assert.Single(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "pii-column-untagged");
        Assert.Equal("models/staging/stg_customers.sql", pii.GetProperty("file").GetString());
        Assert.Equal(4, pii.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task Review_ConfigChangedInThePullRequest_IsReadFromTheBase()
    {
        _repo.Checkout("main")
            .WriteFile(".github/reviewbot.yml", "fail_on: critical\n")
            .Commit("config");
        _repo.Checkout("feature");
        _repo.Run("merge", "--no-edit", "main");
        _repo.WriteFile(".github/reviewbot.yml", "fail_on: critical\nagents:\n  governance: false\n")
            .WriteFile("models/staging/stg_customers.sql", "select\n    id as customer_id,\n    first_name,\n    email\nfrom {{ source('shop', 'customers') }}\n")
            .Commit("switch governance off and add email");

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "main", "--format", "json");

        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Contains(doc.RootElement.GetProperty("agents").EnumerateArray(), a => a.GetProperty("name").GetString() == "governance");
        Assert.Contains(doc.RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "pii-column-untagged");
        Assert.Equal(0, result.ExitCode); // fail_on: critical from the base: the high PII finding is reported, not blocking
    }

    [Fact]
    public async Task Review_DiffFile_ReviewsTheSavedDiff()
    {
        _repo.WriteFile("models/staging/stg_customers.sql", "select\n    id as customer_id,\n    first_name,\n    email\nfrom {{ source('shop', 'customers') }}\n");
        var diffFile = Path.Combine(_repo.Root, "..", $"change-{Guid.NewGuid():N}.diff");
        File.WriteAllBytes(diffFile, _repo.RunBytes("diff", "--no-color", "HEAD"));
        try
        {
            var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--diff", diffFile);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("pii-column-untagged", result.StdOut);
        }
        finally
        {
            File.Delete(diffFile);
        }
    }
}
