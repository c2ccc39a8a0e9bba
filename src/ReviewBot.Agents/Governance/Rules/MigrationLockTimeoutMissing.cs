using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-lock-timeout-missing</c>: Risky Postgres DDL without lock_timeout queues behind long queries and blocks every query behind it.</summary>
internal sealed class MigrationLockTimeoutMissing : MigrationRule
{
    public override string Id => "migration-lock-timeout-missing";

    public override Severity DefaultSeverity => Severity.Medium;

    public override string Rationale => "Risky Postgres DDL without lock_timeout queues behind long queries and blocks every query behind it.";
}
