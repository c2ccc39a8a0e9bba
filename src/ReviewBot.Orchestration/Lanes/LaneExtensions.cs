using ReviewBot.Core.Agents;

namespace ReviewBot.Orchestration.Lanes;

/// <summary>Registration of <see cref="LaneOptions"/> on the engine builder, and lane text.</summary>
public static class LaneExtensions
{
    /// <summary>Overrides the parallel slots taken from the config's <c>max_parallel</c>.</summary>
    public static ReviewEngineBuilder ConfigureLanes(this ReviewEngineBuilder builder, Action<LaneOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Configure(options => configure(options.Lanes));
    }

    /// <summary>The lane as written in config and reports: <c>critical</c>, <c>high</c>, <c>normal</c>, <c>low</c>.</summary>
    public static string ToText(this Lane lane) => lane switch
    {
        Lane.Critical => "critical",
        Lane.High => "high",
        Lane.Normal => "normal",
        Lane.Low => "low",
        _ => lane.ToString().ToLowerInvariant(),
    };
}
