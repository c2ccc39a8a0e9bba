namespace ReviewBot.Orchestration.Budget;

/// <summary>Registration of <see cref="BudgetOptions"/> on the engine builder.</summary>
public static class BudgetExtensions
{
    /// <summary>Overrides the compute budget taken from the config's <c>budget</c> section.</summary>
    public static ReviewEngineBuilder ConfigureBudget(this ReviewEngineBuilder builder, Action<BudgetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Configure(options => configure(options.Budget));
    }
}
