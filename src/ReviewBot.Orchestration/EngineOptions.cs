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

    /// <summary>Parallel slots (<c>max_parallel</c>).</summary>
    public LaneOptions Lanes { get; }

    /// <summary>Warning and alert thresholds of the agents' timeout budgets.</summary>
    public TimeoutOptions Timeouts { get; } = new();

    /// <summary>The shared LLM rate limiter of each deployment (<c>llm</c> rate keys).</summary>
    public RateLimitOptions RateLimits { get; }

    /// <summary>The per-run compute budget (<c>budget</c>).</summary>
    public BudgetOptions Budget { get; }

    internal void Validate()
    {
        Lanes.Validate();
        Timeouts.Validate();
        RateLimits.Validate();
        Budget.Validate();
    }
}
