using System.Globalization;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Reports;
using ReviewBot.Orchestration.Lanes;

namespace ReviewBot.Orchestration.Budget;

/// <summary>Tokens and cost set aside for one call until its real usage is known.</summary>
internal sealed class BudgetReservation
{
    internal BudgetReservation(int tokens, decimal usd)
    {
        Tokens = tokens;
        Usd = usd;
    }

    public int Tokens { get; }

    public decimal Usd { get; }

    internal bool Closed { get; set; }
}

/// <summary>
/// One compute budget per run: LLM tokens and estimated cost. A call reserves its estimate (prompt plus
/// maximum output) before it is sent and settles its real usage after. A call that would exceed what
/// its lane may spend is shed: lanes below critical may not touch the critical reserve, and since calls
/// are admitted in lane order (see the rate limiter) the lowest lanes are the first to run dry.
/// Thread-safe.
/// </summary>
internal sealed class ComputeBudget
{
    private readonly Lock _gate = new();
    private readonly BudgetOptions _options;
    private readonly List<ShedCall> _shed = [];
    private long _promptTokens;
    private long _completionTokens;
    private long _reservedTokens;
    private decimal _spentUsd;
    private decimal _reservedUsd;

    public ComputeBudget(BudgetOptions options)
    {
        _options = options;
    }

    public BudgetOptions Options => _options;

    /// <summary>What the call would cost at most: its prompt estimate plus its maximum output.</summary>
    public decimal EstimateUsd(int promptTokens, int completionTokens) =>
        promptTokens * _options.UsdPer1kPromptTokens / 1000m + completionTokens * _options.UsdPer1kCompletionTokens / 1000m;

    /// <summary>The tokens <paramref name="lane"/> may have committed in total.</summary>
    public long TokenLimitFor(Lane lane) =>
        lane == Lane.Critical ? _options.Tokens : (long)Math.Floor(_options.Tokens * (1 - _options.CriticalReserve));

    private decimal? UsdLimitFor(Lane lane) =>
        _options.Usd is not { } usd ? null : lane == Lane.Critical ? usd : usd * (decimal)(1 - _options.CriticalReserve);

    /// <summary>Whether the call fits now; when it does not, why (for the report).</summary>
    public bool CanAfford(Lane lane, int tokens, decimal usd, out string? reason)
    {
        lock (_gate)
        {
            return CanAffordLocked(lane, tokens, usd, out reason);
        }
    }

    /// <summary>Reserves the call's estimate, or returns null (with the reason) when it does not fit.</summary>
    public BudgetReservation? TryReserve(Lane lane, int tokens, decimal usd, out string? reason)
    {
        lock (_gate)
        {
            if (!CanAffordLocked(lane, tokens, usd, out reason))
            {
                return null;
            }

            _reservedTokens += tokens;
            _reservedUsd += usd;
            return new BudgetReservation(tokens, usd);
        }
    }

    /// <summary>Replaces a reservation with the usage the service reported.</summary>
    public void Settle(BudgetReservation reservation, int promptTokens, int completionTokens)
    {
        lock (_gate)
        {
            if (reservation.Closed)
            {
                return;
            }

            reservation.Closed = true;
            _reservedTokens -= reservation.Tokens;
            _reservedUsd -= reservation.Usd;
            _promptTokens += Math.Max(0, promptTokens);
            _completionTokens += Math.Max(0, completionTokens);
            _spentUsd += EstimateUsd(Math.Max(0, promptTokens), Math.Max(0, completionTokens));
        }
    }

    /// <summary>Gives a reservation back: the call failed before using anything.</summary>
    public void Release(BudgetReservation reservation) => Settle(reservation, 0, 0);

    public void RecordShed(AgentName agent, Lane lane, int estimatedTokens, string reason)
    {
        lock (_gate)
        {
            _shed.Add(new ShedCall(agent.Value, lane.ToText(), estimatedTokens, reason));
        }
    }

    public BudgetReport Report(string llm)
    {
        lock (_gate)
        {
            return new BudgetReport
            {
                PromptTokens = (int)Math.Min(int.MaxValue, _promptTokens),
                CompletionTokens = (int)Math.Min(int.MaxValue, _completionTokens),
                LimitTokens = _options.Tokens,
                EstimatedUsd = decimal.Round(_spentUsd, 6),
                LimitUsd = _options.Usd,
                Llm = llm,
                Shed = [.. _shed],
            };
        }
    }

    private bool CanAffordLocked(Lane lane, int tokens, decimal usd, out string? reason)
    {
        var committed = _promptTokens + _completionTokens + _reservedTokens;
        var limit = TokenLimitFor(lane);
        if (committed + tokens > limit)
        {
            reason = string.Create(
                CultureInfo.InvariantCulture,
                $"token budget: {committed:N0} committed + {tokens:N0} estimated would exceed the {limit:N0} tokens the {lane.ToText()} lane may use");
            if (lane != Lane.Critical && _options.CriticalReserve > 0)
            {
                reason += string.Create(CultureInfo.InvariantCulture, $" ({_options.CriticalReserve:P0} of {_options.Tokens:N0} is reserved for the critical lane)");
            }

            return false;
        }

        if (UsdLimitFor(lane) is { } usdLimit && _spentUsd + _reservedUsd + usd > usdLimit)
        {
            reason = string.Create(
                CultureInfo.InvariantCulture,
                $"cost budget: ${_spentUsd + _reservedUsd:0.####} committed + ${usd:0.####} estimated would exceed the ${usdLimit:0.####} the {lane.ToText()} lane may spend");
            return false;
        }

        reason = null;
        return true;
    }
}
