using System.Diagnostics.Metrics;
using ReviewBot.App.Queue;

namespace ReviewBot.App.Operations;

/// <summary>
/// The App's metrics on the <c>ReviewBot.App</c> meter (System.Diagnostics.Metrics; names follow OpenTelemetry's
/// conventions, so an OpenTelemetry or <c>dotnet-counters</c> listener exports them as they are). See docs/app.md.
/// </summary>
internal sealed class ReviewMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ReviewBot.App";

    private readonly Meter _meter;
    private readonly Counter<long> _deliveries;
    private readonly UpDownCounter<long> _running;
    private readonly Counter<long> _reviews;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _sharedDraws;
    private readonly Counter<long> _leases;
    private QueueSnapshot _snapshot = new(0, 0, TimeSpan.Zero);

    public ReviewMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _deliveries = _meter.CreateCounter<long>("reviewbot.deliveries", "{delivery}", "Webhook deliveries by outcome (queued, coalesced, duplicate, replay, requeued, full, ignored).");
        _running = _meter.CreateUpDownCounter<long>("reviewbot.reviews.running", "{review}", "Reviews running in this process now.");
        _reviews = _meter.CreateCounter<long>("reviewbot.reviews.completed", "{review}", "Reviews ended, by outcome (succeeded, failed, retrying, superseded, taken_over, cancelled).");
        _duration = _meter.CreateHistogram<double>("reviewbot.review.duration", "s", "How long one review attempt ran.");
        _tokens = _meter.CreateCounter<long>("reviewbot.llm.tokens", "{token}", "LLM tokens used, by type (prompt, completion).");
        _rateLimited = _meter.CreateCounter<long>("reviewbot.llm.rate_limited", "{response}", "429 answers from the LLM deployment.");
        _leases = _meter.CreateCounter<long>("reviewbot.leases", "{lease}", "Review leases by event (claimed, renewed, renew_failed, lost: another replica took the review over).");
        _sharedDraws = _meter.CreateCounter<long>("reviewbot.ratelimit.shared_draws", "{draw}", "Draws on the rate buckets shared by the replicas (PostgreSQL), by bucket (llm, github) and outcome (granted, wait, local: database unreachable, this replica's own buckets decided).");
        _meter.CreateObservableGauge("reviewbot.queue.depth", () => (long)Volatile.Read(ref _snapshot).Waiting, "{review}", "Reviews waiting in the queue (all replicas, with PostgreSQL).");
        _meter.CreateObservableGauge("reviewbot.queue.oldest_age", () => Volatile.Read(ref _snapshot).OldestWaiting.TotalSeconds, "s", "Age of the oldest waiting review.");
        _meter.CreateObservableGauge("reviewbot.queue.running", () => (long)Volatile.Read(ref _snapshot).Running, "{review}", "Reviews claimed by a worker (all replicas, with PostgreSQL).");
    }

    /// <summary>The meter all these instruments are on (the exporter listens to this one only).</summary>
    public Meter Meter => _meter;

    /// <summary>The last queue snapshot (refreshed by <see cref="QueueMonitor"/>).</summary>
    public QueueSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public void Delivery(string outcome) => _deliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void ReviewStarted() => _running.Add(1);

    public void ReviewEnded(string outcome, TimeSpan elapsed)
    {
        _running.Add(-1);
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _reviews.Add(1, tag);
        _duration.Record(elapsed.TotalSeconds, tag);
    }

    public void LlmTokens(long prompt, long completion)
    {
        _tokens.Add(prompt, new KeyValuePair<string, object?>("type", "prompt"));
        _tokens.Add(completion, new KeyValuePair<string, object?>("type", "completion"));
    }

    public void LlmRateLimited() => _rateLimited.Add(1);

    public void Lease(string @event) => _leases.Add(1, new KeyValuePair<string, object?>("event", @event));

    /// <summary>GitHub requests sent and requests that waited for the installation's budget, summed over installations.</summary>
    public void ObserveGitHub(Func<long> requests, Func<long> waits)
    {
        _meter.CreateObservableCounter("reviewbot.github.requests", requests, "{request}", "GitHub API requests sent (every retry included), all installations.");
        _meter.CreateObservableCounter("reviewbot.github.budget_waits", waits, "{request}", "GitHub API requests that waited for the installation's request budget (primary or secondary limit).");
    }

    public void SharedDraw(string key, string outcome) => _sharedDraws.Add(
        1,
        new KeyValuePair<string, object?>("bucket", key.StartsWith("llm:", StringComparison.Ordinal) ? "llm" : "github"),
        new KeyValuePair<string, object?>("outcome", outcome));

    public void Observe(QueueSnapshot snapshot) => Volatile.Write(ref _snapshot, snapshot);

    public void Dispose() => _meter.Dispose();
}
