using ReviewBot.Core.Configuration;
using ReviewBot.Orchestration.Budget;
using ReviewBot.Orchestration.Lanes;
using ReviewBot.Orchestration.RateLimiting;
using ReviewBot.Orchestration.Timeouts;

namespace ReviewBot.Orchestration;

/// <summary>All engine options, derived from the config and adjusted by the builder's Configure* extensions.</summary>
public sealed class EngineOptions
{
    internal EngineOptions(ReviewConfig config)
    {
        Lanes = new LaneOptions { MaxParallel = config.MaxParallel };
        Budget = BudgetOptions.From(config.Budget);
        RateLimits = RateLimitOptions.From(config.Llm);
    }

    public LaneOptions Lanes { get; }

    public TimeoutOptions Timeouts { get; } = new();

    public RateLimitOptions RateLimits { get; }

    public BudgetOptions Budget { get; }

    internal void Validate()
    {
        Lanes.Validate();
        Timeouts.Validate();
        RateLimits.Validate();
        Budget.Validate();
    }
}
