using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Orchestration.RateLimiting;

namespace ReviewBot.Orchestration;

/// <summary>
/// Builds a <see cref="ReviewEngine"/>. Mutable; the engine it builds is immutable and thread-safe.
/// Defaults: <see cref="ReviewConfig.Default"/>, <see cref="TimeProvider.System"/>, no language model.
/// </summary>
public sealed class ReviewEngineBuilder
{
    private readonly List<Action<EngineOptions>> _configure = [];
    private ReviewConfig _config = ReviewConfig.Default;
    private TimeProvider _time = TimeProvider.System;
    private ILanguageModel? _model;
    private LlmRateLimiters? _limiters;

    /// <summary>The run's config: <c>max_parallel</c>, <c>budget</c>, <c>llm</c> rate limits, and per-agent overrides.</summary>
    public ReviewEngineBuilder WithConfig(ReviewConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        return this;
    }

    /// <summary>The clock for timeout budgets, rate limiting and timelines.</summary>
    public ReviewEngineBuilder WithTimeProvider(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        return this;
    }

    /// <summary>The raw model; the engine wraps it for each agent (limiter, budget, lane, metering). Null: rules only.</summary>
    public ReviewEngineBuilder WithLanguageModel(ILanguageModel? model)
    {
        _model = model;
        return this;
    }

    /// <summary>
    /// Shares the LLM rate limiters of <paramref name="limiters"/> (one per process) instead of the engine's own,
    /// so that every engine built with it draws on the same buckets in lane order. Default: the engine's own.
    /// </summary>
    public ReviewEngineBuilder WithRateLimiters(LlmRateLimiters? limiters)
    {
        _limiters = limiters;
        return this;
    }

    /// <summary>Adjusts the options derived from the config (used by the Configure* extensions of each concept).</summary>
    public ReviewEngineBuilder Configure(Action<EngineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure.Add(configure);
        return this;
    }

    /// <summary>Validates the options and builds the engine. Throws <see cref="Core.InvalidInputException"/> on bad options.</summary>
    public ReviewEngine Build()
    {
        var options = new EngineOptions(_config);
        foreach (var configure in _configure)
        {
            configure(options);
        }

        options.Validate();
        return new ReviewEngine(_config, options, _time, _model, _limiters);
    }
}
