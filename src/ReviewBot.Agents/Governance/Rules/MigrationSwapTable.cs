using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-swap-table</c>: ALTER TABLE ... SWAP WITH exchanges two tables' data and grants at once; readers see the other table immediately.</summary>
internal sealed class MigrationSwapTable : MigrationRule
{
    public override string Id => "migration-swap-table";

    public override Severity DefaultSeverity => Severity.Medium;

    public override string Rationale => "ALTER TABLE ... SWAP WITH exchanges two tables' data and grants at once; readers see the other table immediately.";
}
