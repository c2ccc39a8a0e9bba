using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary><c>migration-index-not-concurrent</c>: CREATE/DROP INDEX without CONCURRENTLY blocks writes to an existing Postgres table until it finishes.</summary>
internal sealed class MigrationIndexNotConcurrent : MigrationRule
{
    public override string Id => "migration-index-not-concurrent";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "CREATE/DROP INDEX without CONCURRENTLY blocks writes to an existing Postgres table until it finishes.";
}
