using ReviewBot.Agents.Governance.Rules;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Migrations;

/// <summary>A migration hazard rule: reports the <see cref="MigrationHazards"/> of its id on added statements of changed migrations.</summary>
internal abstract class MigrationRule : Rule
{
    /// <summary>Every migration hazard rule, in catalogue order.</summary>
    public static IReadOnlyList<Rule> All { get; } =
    [
        new MigrationColumnTypeChange(), new MigrationNotNull(), new MigrationIndexNotConcurrent(), new MigrationConstraintNotValid(), new MigrationConstraintDropped(),
        new MigrationRename(), new MigrationLockTimeoutMissing(), new MigrationCreateOrReplaceTable(), new MigrationSwapTable(), new MigrationStorageChange(), new MigrationDropsData(),
    ];

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var hazard in MigrationHazards.Of(context).Where(h => h.Rule == Id))
        {
            yield return context.Report(this, hazard.File, hazard.Line, hazard.Title, hazard.Message, hazard.Severity);
        }
    }
}
