using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-constraint-dropped</c>: Dropping NOT NULL or a constraint removes a guarantee that consumers of the table may rely on.</summary>
internal sealed class MigrationConstraintDropped : MigrationRule
{
    public override string Id => "migration-constraint-dropped";

    public override Severity DefaultSeverity => Severity.Medium;

    public override string Rationale => "Dropping NOT NULL or a constraint removes a guarantee that consumers of the table may rely on.";
}
