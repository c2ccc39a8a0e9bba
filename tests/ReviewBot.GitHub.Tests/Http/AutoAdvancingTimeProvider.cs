using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace ReviewBot.GitHub.Tests.Http;

/// <summary>
/// Virtual time that jumps forward by each timer's due time as the timer is created, so a retry delay
/// completes at once and the delays asked for are recorded. Nothing sleeps.
/// </summary>
internal sealed class AutoAdvancingTimeProvider : FakeTimeProvider
{
    public AutoAdvancingTimeProvider()
        : base(new DateTimeOffset(2026, 11, 23, 17, 0, 0, TimeSpan.Zero))
    {
    }

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            Delays.Enqueue(dueTime);
            Advance(dueTime);
        }

        return timer;
    }
}
