using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-column-type-change</c>: Changing a column's type rewrites the table under an exclusive lock (Postgres) and breaks readers of the old type.</summary>
internal sealed class MigrationColumnTypeChange : MigrationRule
{
    public override string Id => "migration-column-type-change";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "Changing a column's type rewrites the table under an exclusive lock (Postgres) and breaks readers of the old type.";
}
