using ReviewBot.Core;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Orchestration.Budget;

/// <summary>The per-run compute budget (config <c>budget</c>).</summary>
public sealed class BudgetOptions
{
    /// <summary>Cap on prompt + completion tokens per run. Default 200,000.</summary>
    public int Tokens { get; set; } = 200_000;

    /// <summary>Cap on the estimated cost per run; null: no cost cap. Default null.</summary>
    public decimal? Usd { get; set; }

    /// <summary>Share of the budget only the critical lane may spend. Default 0.2.</summary>
    public double CriticalReserve { get; set; } = 0.2;

    /// <summary>Price of 1,000 prompt tokens for the estimate. Default 0.0025.</summary>
    public decimal UsdPer1kPromptTokens { get; set; } = 0.0025m;

    /// <summary>Price of 1,000 completion tokens for the estimate. Default 0.01.</summary>
    public decimal UsdPer1kCompletionTokens { get; set; } = 0.01m;

    internal static BudgetOptions From(BudgetConfig config) => new()
    {
        Tokens = config.Tokens,
        Usd = config.Usd,
        CriticalReserve = config.CriticalReserve,
        UsdPer1kPromptTokens = config.UsdPer1kPromptTokens,
        UsdPer1kCompletionTokens = config.UsdPer1kCompletionTokens,
    };

    internal void Validate()
    {
        if (Tokens < 0)
        {
            throw new InvalidInputException($"budget.tokens must not be negative (got {Tokens}).");
        }

        if (Usd < 0)
        {
            throw new InvalidInputException($"budget.usd must not be negative (got {Usd}).");
        }

        if (CriticalReserve is < 0 or > 1 || double.IsNaN(CriticalReserve))
        {
            throw new InvalidInputException($"budget.critical_reserve must be between 0 and 1 (got {CriticalReserve}).");
        }

        if (UsdPer1kPromptTokens < 0 || UsdPer1kCompletionTokens < 0)
        {
            throw new InvalidInputException("budget prices per 1k tokens must not be negative.");
        }
    }
}
