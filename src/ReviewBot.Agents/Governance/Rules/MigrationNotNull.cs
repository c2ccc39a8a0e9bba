using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-not-null</c>: A NOT NULL column without a default, or SET NOT NULL on a populated table, fails or locks the table while every row is checked.</summary>
internal sealed class MigrationNotNull : MigrationRule
{
    public override string Id => "migration-not-null";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "A NOT NULL column without a default, or SET NOT NULL on a populated table, fails or locks the table while every row is checked.";
}
