using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-constraint-not-valid</c>: A foreign key, check or unique constraint added in one step validates every row while blocking writes; add it NOT VALID and validate separately.</summary>
internal sealed class MigrationConstraintNotValid : MigrationRule
{
    public override string Id => "migration-constraint-not-valid";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "A foreign key, check or unique constraint added in one step validates every row while blocking writes; add it NOT VALID and validate separately.";
}
