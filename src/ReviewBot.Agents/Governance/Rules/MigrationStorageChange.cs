using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-storage-change</c>: Dropping a clustering key or shortening retention makes queries scan everything or makes the warehouse delete data.</summary>
internal sealed class MigrationStorageChange : MigrationRule
{
    public override string Id => "migration-storage-change";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "Dropping a clustering key or shortening retention makes queries scan everything or makes the warehouse delete data.";
}
