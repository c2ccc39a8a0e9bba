using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-create-or-replace-table</c>: CREATE OR REPLACE TABLE in a migration drops the existing table's rows, grants and history.</summary>
internal sealed class MigrationCreateOrReplaceTable : MigrationRule
{
    public override string Id => "migration-create-or-replace-table";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "CREATE OR REPLACE TABLE in a migration drops the existing table's rows, grants and history.";
}
