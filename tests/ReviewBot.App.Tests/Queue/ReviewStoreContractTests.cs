using Microsoft.Extensions.Time.Testing;
using ReviewBot.App.Queue;
using ReviewBot.App.Queue.Postgres;

namespace ReviewBot.App.Tests.Queue;

/// <summary>
/// The <see cref="IReviewStore"/> contract, run against both stores on virtual time: the in-memory store always,
/// PostgreSQL when <c>REVIEWBOT_TEST_POSTGRES</c> is set (always under CI, where its absence fails these tests).
/// </summary>
public sealed class ReviewStoreContractTests : IAsyncLifetime
{
    private readonly List<Func<Task>> _cleanup = [];

    public static TheoryData<string> Stores()
    {
        var stores = new TheoryData<string> { "memory" };
        if (TestPostgres.Enabled)
        {
            stores.Add("postgres");
        }

        return stores;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var cleanup in _cleanup)
        {
            await cleanup();
        }
    }

    [PostgresFact]
    public void Postgres_IsConfiguredForTheContract() => Assert.NotNull(TestPostgres.Require());

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_NewDelivery_IsQueuedAndClaimedOnce(string kind)
    {
        var (store, _) = await CreateAsync(kind);
        var results = await store.AcceptAsync("d-1", [Request(1, "a1")], default);

        Assert.Equal(AcceptOutcome.Queued, Assert.Single(results).Outcome);
        var claim = await store.TryClaimAsync("w1", default);
        Assert.NotNull(claim);
        Assert.Equal(("a1", 1, 3), (claim.Request.HeadSha, claim.Request.Attempt, claim.Request.MaxAttempts));
        Assert.True(claim.Request.ReviewId > 0);
        Assert.Null(await store.TryClaimAsync("w2", default));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_SameDeliveryIdAgain_IsADuplicateWhileQueuedAndAfterSuccess(string kind)
    {
        var (store, _) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);

        Assert.Equal(AcceptOutcome.Duplicate, Assert.Single(await store.AcceptAsync("d-1", [Request(1, "a1")], default)).Outcome);
        var claim = (await store.TryClaimAsync("w1", default))!;
        await store.CompleteAsync(claim, ReviewEnd.Succeeded, default);
        Assert.Equal(AcceptOutcome.Duplicate, Assert.Single(await store.AcceptAsync("d-1", [Request(1, "a1")], default)).Outcome);
        Assert.Null(await store.TryClaimAsync("w1", default));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_NewerHeadWhileOneWaits_ReplacesItAndOnlyTheNewestRuns(string kind)
    {
        var (store, _) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        var second = Assert.Single(await store.AcceptAsync("d-2", [Request(1, "a2")], default));

        Assert.Equal((AcceptOutcome.Coalesced, "a1"), (second.Outcome, second.Detail));
        Assert.Equal("a2", (await store.TryClaimAsync("w1", default))!.Request.HeadSha);
        Assert.Null(await store.TryClaimAsync("w2", default));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_NewerHeadWhileOneRuns_TheRunningOneIsToldToStopAndTheNewOneWaitsForIt(string kind)
    {
        var (store, _) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        var running = (await store.TryClaimAsync("w1", default))!;

        Assert.Equal(AcceptOutcome.Queued, Assert.Single(await store.AcceptAsync("d-2", [Request(1, "a2")], default)).Outcome);
        Assert.Equal(new LeaseState(true, "a2"), await store.RenewAsync(running, default));
        Assert.Null(await store.TryClaimAsync("w2", default));

        await store.CompleteAsync(running, ReviewEnd.Superseded, default);
        Assert.Equal("a2", (await store.TryClaimAsync("w2", default))!.Request.HeadSha);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_SameHeadWhileItRuns_DoesNotStopTheRunningReview(string kind)
    {
        var (store, _) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        var running = (await store.TryClaimAsync("w1", default))!;
        await store.AcceptAsync("d-2", [Request(1, "a1", "check_run.rerequested")], default);

        Assert.Equal(new LeaseState(true, null), await store.RenewAsync(running, default));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task TryClaim_TwoPullRequests_BothRunAtOnceOldestFirst(string kind)
    {
        var (store, _) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        await store.AcceptAsync("d-2", [Request(2, "b1")], default);

        Assert.Equal(1, (await store.TryClaimAsync("w1", default))!.Request.Number);
        Assert.Equal(2, (await store.TryClaimAsync("w2", default))!.Request.Number);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task TryClaim_LeaseExpired_AnotherWorkerTakesOverAndTheFirstHasLostIt(string kind)
    {
        var (store, time) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        var first = (await store.TryClaimAsync("w1", default))!;

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(await store.TryClaimAsync("w2", default));
        time.Advance(TimeSpan.FromSeconds(2));
        var second = await store.TryClaimAsync("w2", default);

        Assert.NotNull(second);
        Assert.Equal((first.Id, 2), (second.Id, second.Request.Attempt));
        Assert.False((await store.RenewAsync(first, default)).Held);
        await store.CompleteAsync(first, ReviewEnd.Succeeded, default);
        Assert.True((await store.RenewAsync(second, default)).Held);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Renew_BeforeExpiry_KeepsTheReviewFromBeingTakenOver(string kind)
    {
        var (store, time) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        var claim = (await store.TryClaimAsync("w1", default))!;

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(20));
            Assert.True((await store.RenewAsync(claim, default)).Held);
        }

        Assert.Null(await store.TryClaimAsync("w2", default));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Fail_BeforeTheLastAttempt_RetriesWithDoublingBackoffThenGivesUp(string kind)
    {
        var (store, time) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);

        var first = (await store.TryClaimAsync("w1", default))!;
        Assert.False(first.Request.IsLastAttempt);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(30), await store.FailAsync(first, "GitHub 502", default));
        Assert.Null(await store.TryClaimAsync("w1", default));
        time.Advance(TimeSpan.FromSeconds(30));

        var second = (await store.TryClaimAsync("w1", default))!;
        Assert.Equal(2, second.Request.Attempt);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(60), await store.FailAsync(second, "GitHub 502", default));
        time.Advance(TimeSpan.FromSeconds(60));

        var third = (await store.TryClaimAsync("w1", default))!;
        Assert.True(third.Request.IsLastAttempt);
        Assert.Null(await store.FailAsync(third, "GitHub 502", default));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await store.TryClaimAsync("w1", default));
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_RedeliveryOfADeliveryWhoseReviewFailed_RunsItAgain(string kind)
    {
        var (store, _) = await CreateAsync(kind, maxAttempts: 1);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        var claim = (await store.TryClaimAsync("w1", default))!;
        Assert.Null(await store.FailAsync(claim, "GitHub unreachable", default));

        var redelivered = Assert.Single(await store.AcceptAsync("d-1", [Request(1, "a1")], default));

        Assert.Equal(AcceptOutcome.Requeued, redelivered.Outcome);
        var again = await store.TryClaimAsync("w1", default);
        Assert.NotNull(again);
        Assert.Equal("a1", again.Request.HeadSha);
        Assert.Equal(AcceptOutcome.Duplicate, Assert.Single(await store.AcceptAsync("d-1", [Request(1, "a1")], default)).Outcome);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_SameActionAndHeadUnderANewDeliveryId_IsAReplayWithinTheWindowOnly(string kind)
    {
        var (store, time) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        await store.CompleteAsync((await store.TryClaimAsync("w1", default))!, ReviewEnd.Succeeded, default);

        var replay = Assert.Single(await store.AcceptAsync("d-replayed", [Request(1, "a1")], default));
        Assert.Equal(AcceptOutcome.Replay, replay.Outcome);
        Assert.Contains("d-1", replay.Detail, StringComparison.Ordinal);
        Assert.Null(await store.TryClaimAsync("w1", default));

        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(AcceptOutcome.Queued, Assert.Single(await store.AcceptAsync("d-later", [Request(1, "a1")], default)).Outcome);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_RerunRequestedAfterTheReviewEnded_IsNotAReplay(string kind)
    {
        var (store, _) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1", "check_run.rerequested")], default);
        Assert.Equal(AcceptOutcome.Replay, Assert.Single(await store.AcceptAsync("d-2", [Request(1, "a1", "check_run.rerequested")], default)).Outcome);
        await store.CompleteAsync((await store.TryClaimAsync("w1", default))!, ReviewEnd.Succeeded, default);

        Assert.Equal(AcceptOutcome.Queued, Assert.Single(await store.AcceptAsync("d-3", [Request(1, "a1", "check_run.rerequested")], default)).Outcome);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Accept_MorePullRequestsThanCapacity_RefusesWithoutRecordingTheDelivery(string kind)
    {
        var (store, _) = await CreateAsync(kind, capacity: 2);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        await store.AcceptAsync("d-2", [Request(2, "b1")], default);

        Assert.Equal(AcceptOutcome.Full, Assert.Single(await store.AcceptAsync("d-3", [Request(3, "c1")], default)).Outcome);
        Assert.Equal(AcceptOutcome.Coalesced, Assert.Single(await store.AcceptAsync("d-4", [Request(2, "b2")], default)).Outcome);
        await store.TryClaimAsync("w1", default);
        Assert.Equal(AcceptOutcome.Queued, Assert.Single(await store.AcceptAsync("d-3", [Request(3, "c1")], default)).Outcome);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Release_AtShutdown_HandsTheReviewBackWithoutCountingTheAttempt(string kind)
    {
        var (store, _) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        await store.ReleaseAsync((await store.TryClaimAsync("w1", default))!, default);

        var again = await store.TryClaimAsync("w2", default);
        Assert.NotNull(again);
        Assert.Equal(1, again.Request.Attempt);
    }

    [Theory, MemberData(nameof(Stores))]
    public async Task Snapshot_CountsWaitingAndRunningAndTheOldestAge(string kind)
    {
        var (store, time) = await CreateAsync(kind);
        await store.AcceptAsync("d-1", [Request(1, "a1")], default);
        time.Advance(TimeSpan.FromSeconds(10));
        await store.AcceptAsync("d-2", [Request(2, "b1")], default);
        await store.AcceptAsync("d-3", [Request(3, "c1")], default);
        await store.TryClaimAsync("w1", default);
        time.Advance(TimeSpan.FromSeconds(5));

        var snapshot = await store.SnapshotAsync(default);
        Assert.Equal((2, 1), (snapshot.Waiting, snapshot.Running));
        Assert.Equal(TimeSpan.FromSeconds(5), snapshot.OldestWaiting);
    }

    [PostgresFact]
    public async Task Postgres_InitializeTwiceAndFromTwoReplicas_IsIdempotentAndReady()
    {
        var schema = TestPostgres.NewSchema();
        _cleanup.Add(() => TestPostgres.DropSchemaAsync(schema));
        await using var first = new PostgresReviewStore(TestPostgres.Require(), new ReviewStoreOptions(), schema);
        await using var second = new PostgresReviewStore(TestPostgres.Require(), new ReviewStoreOptions(), schema);
        await Task.WhenAll(first.InitializeAsync(default), second.InitializeAsync(default));
        await using var third = new PostgresReviewStore(TestPostgres.Require(), new ReviewStoreOptions(), schema);
        await third.InitializeAsync(default);

        Assert.Null(await first.CheckReadyAsync(default));
    }

    [PostgresFact]
    public async Task Postgres_Unreachable_ReadyCheckSaysSo()
    {
        await using var store = new PostgresReviewStore("Host=127.0.0.1;Port=9;Timeout=2", new ReviewStoreOptions(), TestPostgres.NewSchema());

        Assert.StartsWith("PostgreSQL unreachable", await store.CheckReadyAsync(default), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Postgres_TwoReplicasClaimConcurrently_EveryReviewIsClaimedExactlyOnce()
    {
        var schema = TestPostgres.NewSchema();
        _cleanup.Add(() => TestPostgres.DropSchemaAsync(schema));
        await using var a = new PostgresReviewStore(TestPostgres.Require(), new ReviewStoreOptions(), schema);
        await using var b = new PostgresReviewStore(TestPostgres.Require(), new ReviewStoreOptions(), schema);
        await a.InitializeAsync(default);
        for (var i = 1; i <= 40; i++)
        {
            await (i % 2 == 0 ? a : b).AcceptAsync($"d-{i}", [Request(i, $"s{i}")], default);
        }

        var claimed = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var store = w % 2 == 0 ? a : b;
            while (await store.TryClaimAsync($"w{w}", default) is { } claim)
            {
                claimed.Add(claim.Request.Number);
            }
        })));

        Assert.Equal(Enumerable.Range(1, 40), claimed.Order());
    }

    [PostgresFact]
    public async Task Postgres_FloodOfHeadsForOnePullRequestFromTwoReplicas_LeavesExactlyTheNewestQueued()
    {
        var schema = TestPostgres.NewSchema();
        _cleanup.Add(() => TestPostgres.DropSchemaAsync(schema));
        await using var a = new PostgresReviewStore(TestPostgres.Require(), new ReviewStoreOptions(), schema);
        await using var b = new PostgresReviewStore(TestPostgres.Require(), new ReviewStoreOptions(), schema);
        await a.InitializeAsync(default);

        // Concurrent accepts of 30 heads; the one accepted last is the newest.
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).AcceptAsync($"d-{i}", [Request(7, $"h{i}")], default))));
        var last = await a.AcceptAsync("d-last", [Request(7, "newest")], default);

        var claim = await b.TryClaimAsync("w", default);
        Assert.Equal("newest", claim!.Request.HeadSha);
        Assert.Null(await a.TryClaimAsync("w2", default));
        Assert.Equal(AcceptOutcome.Coalesced, Assert.Single(last).Outcome);
        Assert.Equal((0, 1), ((await a.SnapshotAsync(default)).Waiting, (await a.SnapshotAsync(default)).Running));
    }

    private static ReviewRequest Request(int number, string head, string trigger = "pull_request.synchronize") =>
        new(42, "Acme", "Warehouse", number, head, "ignored-here", trigger);

    private async Task<(IReviewStore Store, FakeTimeProvider Time)> CreateAsync(string kind, int maxAttempts = 3, int capacity = 100)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var options = new ReviewStoreOptions { Capacity = capacity, MaxAttempts = maxAttempts, Lease = TimeSpan.FromSeconds(30), RetryBackoff = TimeSpan.FromSeconds(30), ReplayWindow = TimeSpan.FromHours(1) };
        if (kind == "memory")
        {
            return (new InMemoryReviewStore(options, time), time);
        }

        var schema = TestPostgres.NewSchema();
        var store = new PostgresReviewStore(TestPostgres.Require(), options, schema, time.GetUtcNow);
        _cleanup.Add(async () =>
        {
            await store.DisposeAsync();
            await TestPostgres.DropSchemaAsync(schema);
        });
        await store.InitializeAsync(default);
        return (store, time);
    }
}
