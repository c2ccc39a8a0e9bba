namespace ReviewBot.Orchestration.Timeouts;

/// <summary>Registration of <see cref="TimeoutOptions"/> on the engine builder.</summary>
public static class TimeoutExtensions
{
    /// <summary>Overrides the warning and alert thresholds of every agent's timeout budget.</summary>
    public static ReviewEngineBuilder ConfigureTimeouts(this ReviewEngineBuilder builder, Action<TimeoutOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Configure(options => configure(options.Timeouts));
    }

    /// <summary>A duration as people write it in config: <c>90s</c>, <c>2m</c>, <c>1m30s</c>, <c>250ms</c>.</summary>
    public static string ToShortText(this TimeSpan span)
    {
        if (span.TotalSeconds < 1)
        {
            return $"{(long)span.TotalMilliseconds}ms";
        }

        if (span.TotalMinutes < 1 || span.Seconds != 0 && span.TotalMinutes < 2)
        {
            return span.Milliseconds == 0 ? $"{(long)span.TotalSeconds}s" : $"{span.TotalSeconds:0.###}s";
        }

        var minutes = (long)span.TotalMinutes;
        return span.Seconds == 0 ? $"{minutes}m" : $"{minutes}m{span.Seconds}s";
    }
}
