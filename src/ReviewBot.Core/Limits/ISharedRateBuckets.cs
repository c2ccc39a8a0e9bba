namespace ReviewBot.Core.Limits;

/// <summary>
/// Token buckets shared by every process that uses the same store (the App's replicas on one PostgreSQL), so
/// that a limit set for a deployment or a GitHub installation holds for all of them together. A key names a
/// pair of buckets (an LLM deployment's requests and tokens; an installation's hourly requests and writes a
/// minute) that are drawn on together: both or neither. The caller keeps its own in-process buckets as well;
/// the shared ones are an extra gate, so when the store is unreachable an implementation answers
/// <see cref="SharedTake.Local"/> and each process falls back to its own limits.
/// </summary>
public interface ISharedRateBuckets
{
    /// <summary>
    /// Refills the two buckets of <paramref name="key"/> for the time since their last use and takes
    /// <paramref name="first"/> and <paramref name="second"/> from them, in one atomic step for every process, or takes
    /// nothing and says how long until the draw could succeed. Bounded in time: never waits for the permits itself.
    /// </summary>
    Task<SharedTake> TryTakeAsync(string key, BucketDraw first, BucketDraw second, CancellationToken cancellationToken);
}

/// <summary>
/// A draw on one shared bucket: <paramref name="Permits"/> to take from a bucket of <paramref name="Capacity"/>
/// refilled at <paramref name="PerSecond"/>, which must keep at least <paramref name="Floor"/> (the share reserved
/// for the critical lane; 0 for the critical lane itself).
/// </summary>
public readonly record struct BucketDraw(double Permits, double Capacity, double PerSecond, double Floor = 0)
{
    /// <summary>How long until a bucket holding <paramref name="available"/> could give this draw.</summary>
    public TimeSpan TimeUntil(double available)
    {
        var missing = Permits + Floor - available;
        return missing <= 1e-9 || PerSecond <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(missing / PerSecond * TimeSpan.TicksPerSecond));
    }
}

/// <summary>The answer of <see cref="ISharedRateBuckets.TryTakeAsync"/>.</summary>
/// <param name="Granted">The permits were taken (or the store is unreachable and only local limits apply).</param>
/// <param name="RetryAfter">When not granted: how long until the draw could succeed.</param>
/// <param name="Shared">False when the store could not be asked and the answer only lets local limits decide.</param>
public readonly record struct SharedTake(bool Granted, TimeSpan RetryAfter, bool Shared = true)
{
    /// <summary>The store could not be asked: the caller's own buckets decide alone.</summary>
    public static SharedTake Local { get; } = new(true, TimeSpan.Zero, Shared: false);
}
