using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-drops-data</c>: A Django RemoveField/DeleteModel drops a column or table with its data; reverting the PR does not restore it.</summary>
internal sealed class MigrationDropsData : MigrationRule
{
    public override string Id => "migration-drops-data";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "A Django RemoveField/DeleteModel drops a column or table with its data; reverting the PR does not restore it.";
}
