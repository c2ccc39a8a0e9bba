using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-rename</c>: Renaming a column or table breaks every query, model and dashboard that still uses the old name.</summary>
internal sealed class MigrationRename : MigrationRule
{
    public override string Id => "migration-rename";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "Renaming a column or table breaks every query, model and dashboard that still uses the old name.";
}
