using System.Diagnostics;

namespace ReviewBot.Cli.Tests.Reliability;

/// <summary>
/// Real time running <see cref="Factor"/> times faster: clocks, timestamps and timers stay consistent with each
/// other (a 4 s retry back-off and a 60 s agent budget keep their ratio), so a whole <c>reviewbot action</c> run
/// with GitHub back-offs and LLM <c>Retry-After</c> pauses finishes in a fraction of the time, and nothing sleeps.
/// </summary>
internal sealed class AcceleratedTimeProvider(double factor) : TimeProvider
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly DateTimeOffset _epoch = DateTimeOffset.UtcNow;

    public double Factor { get; } = factor;

    public override DateTimeOffset GetUtcNow() => _epoch + Elapsed();

    public override long GetTimestamp() => _start + (long)((Stopwatch.GetTimestamp() - _start) * Factor);

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(System.CreateTimer(callback, state, Scale(dueTime), Scale(period)), this);

    private TimeSpan Elapsed() => TimeSpan.FromTicks((long)(Stopwatch.GetElapsedTime(_start).Ticks * Factor));

    private TimeSpan Scale(TimeSpan span) =>
        span == Timeout.InfiniteTimeSpan || span <= TimeSpan.Zero ? span : TimeSpan.FromTicks(Math.Max(1, (long)(span.Ticks / Factor)));

    /// <summary>A timer whose re-arming (<see cref="ITimer.Change"/>) runs on the same fast clock.</summary>
    private sealed class ScaledTimer(ITimer inner, AcceleratedTimeProvider time) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(time.Scale(dueTime), time.Scale(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
