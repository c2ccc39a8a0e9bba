using System.Text.Json.Nodes;
using ReviewBot.Core.Reports;

namespace ReviewBot.Core.Tests.Reports;

/// <summary>The report's <c>models[]</c> keeps the field names and spellings of DESIGN.md §4.</summary>
public sealed class ModelChangeReportTests
{
    private static ReviewReport Report(params ModelChangeReport[] models) => new()
    {
        Conclusion = Conclusion.Success,
        Incomplete = false,
        Title = "t",
        Agents = [],
        Findings = [],
        Coverage = new CoverageReport(),
        Budget = new BudgetReport(),
        Models = models,
    };

    [Fact]
    public void Json_Models_ContractFieldNamesAndSnakeCaseChange()
    {
        var report = Report(new ModelChangeReport
        {
            Name = "stg_orders", File = "models/staging/stg_orders.sql", Project = "jaffle", Change = ModelChangeKind.NonBreaking, Reason = "only new columns: a",
            Columns = new ModelColumnChanges { Added = ["a"], Renamed = [new ModelColumnRename("x", "y")] },
            Downstream = new ModelDownstream { Models = ["orders"], Columns = ["orders.order_date"], Exposures = ["revenue_dashboard"] },
        });

        var json = JsonNode.Parse(ReportJson.Serialize(report))!;
        var model = json["models"]![0]!;

        Assert.Equal(["name", "file", "project", "change", "columns", "reason", "downstream"], model.AsObject().Select(p => p.Key));
        Assert.Equal("non_breaking", (string?)model["change"]);
        Assert.Equal(["removed", "added", "renamed", "modified"], model["columns"]!.AsObject().Select(p => p.Key));
        Assert.Equal("x", (string?)model["columns"]!["renamed"]![0]!["from"]);
        Assert.Equal("y", (string?)model["columns"]!["renamed"]![0]!["to"]);
        Assert.Equal(["models", "columns", "exposures"], model["downstream"]!.AsObject().Select(p => p.Key));
        Assert.Equal("orders.order_date", (string?)model["downstream"]!["columns"]![0]);
    }

    [Theory]
    [InlineData(ModelChangeKind.Added, "added")]
    [InlineData(ModelChangeKind.Removed, "removed")]
    [InlineData(ModelChangeKind.Breaking, "breaking")]
    [InlineData(ModelChangeKind.Partial, "partial")]
    [InlineData(ModelChangeKind.NonBreaking, "non_breaking")]
    [InlineData(ModelChangeKind.Unknown, "unknown")]
    [InlineData(ModelChangeKind.ConfigOnly, "config_only")]
    public void Json_Change_SpelledAsTheContractAndRoundTrips(ModelChangeKind kind, string spelled)
    {
        var json = ReportJson.Serialize(Report(new ModelChangeReport { Name = "m", File = "m.sql", Change = kind, Reason = "r" }));

        Assert.Contains($"\"change\": \"{spelled}\"", json, StringComparison.Ordinal);
        Assert.Equal(kind, ReportJson.Deserialize(json).Models[0].Change);
    }

    [Fact]
    public void Json_ModelsSitBetweenCoverageAndBudget()
    {
        var keys = JsonNode.Parse(ReportJson.Serialize(Report()))!.AsObject().Select(p => p.Key).ToList();

        Assert.Equal(keys.IndexOf("coverage") + 1, keys.IndexOf("models"));
        Assert.Equal(keys.IndexOf("models") + 1, keys.IndexOf("budget"));
    }
}
