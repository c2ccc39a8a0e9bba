using ReviewBot.App.Queue;

namespace ReviewBot.App.Tests.Queue;

public sealed class ReviewQueueTests
{
    private static ReviewRequest Request(int number, string head, string owner = "acme", string repo = "data") =>
        new(1, owner, repo, number, head, "d-" + head, "pull_request.synchronize");

    [Fact]
    public async Task Enqueue_NewerRequestWhileOneWaits_ReplacesTheWaitingOne()
    {
        var queue = new ReviewQueue(10);

        Assert.Equal(EnqueueOutcome.Queued, queue.Enqueue(Request(1, "a"), out _));
        Assert.Equal(EnqueueOutcome.Coalesced, queue.Enqueue(Request(1, "b"), out var superseded));

        Assert.Equal("a", superseded!.HeadSha);
        var taken = await queue.TakeAsync(CancellationToken.None);
        Assert.Equal("b", taken!.HeadSha);
        Assert.Null(queue.Complete(taken));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Complete_RequestArrivedWhileRunning_HandsItToTheSameWorker()
    {
        var queue = new ReviewQueue(10);
        queue.Enqueue(Request(1, "a"), out _);
        var running = await queue.TakeAsync(CancellationToken.None);

        Assert.Equal(EnqueueOutcome.Queued, queue.Enqueue(Request(1, "b"), out _));
        Assert.Equal(EnqueueOutcome.Coalesced, queue.Enqueue(Request(1, "c"), out _));

        var next = queue.Complete(running!);
        Assert.Equal("c", next!.HeadSha);
        Assert.Null(queue.Complete(next));
    }

    [Fact]
    public void Enqueue_PullRequestKeyDiffersOnlyInCase_IsTheSamePullRequest()
    {
        var queue = new ReviewQueue(10);
        queue.Enqueue(Request(1, "a", "Acme", "Data"), out _);

        Assert.Equal(EnqueueOutcome.Coalesced, queue.Enqueue(Request(1, "b", "acme", "data"), out _));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Enqueue_MorePullRequestsThanCapacity_RefusesWithFull()
    {
        var queue = new ReviewQueue(2);
        queue.Enqueue(Request(1, "a"), out _);
        queue.Enqueue(Request(2, "a"), out _);

        Assert.Equal(EnqueueOutcome.Full, queue.Enqueue(Request(3, "a"), out _));
        Assert.Equal(EnqueueOutcome.Coalesced, queue.Enqueue(Request(2, "b"), out _));
    }

    [Fact]
    public async Task Close_WithWaitingAndRunning_HandsBackTheWaitingAndRefusesNewOnes()
    {
        var queue = new ReviewQueue(10);
        queue.Enqueue(Request(1, "a"), out _);
        var running = await queue.TakeAsync(CancellationToken.None);
        queue.Enqueue(Request(1, "b"), out _);
        queue.Enqueue(Request(2, "a"), out _);

        var waiting = queue.Close();

        Assert.Equal(["acme/data#1", "acme/data#2"], waiting.Select(r => r.Key.ToString()).Order());
        Assert.Equal([running!], queue.Running());
        Assert.Equal(EnqueueOutcome.Closed, queue.Enqueue(Request(3, "a"), out _));
        Assert.Null(queue.Complete(running!));
        Assert.Null(await queue.TakeAsync(CancellationToken.None));
        Assert.Equal(0, queue.Count);
    }
}
