namespace ReviewBot.App.Queue;

/// <summary>One review to run: a pull request at a head commit, for the installation that can access it.</summary>
/// <param name="InstallationId">The App installation whose token reads and writes the repository.</param>
/// <param name="Owner">Repository owner login.</param>
/// <param name="Repository">Repository name.</param>
/// <param name="Number">Pull request number.</param>
/// <param name="HeadSha">The head commit to review; the newest one wins when deliveries are coalesced.</param>
/// <param name="DeliveryId">The <c>X-GitHub-Delivery</c> that asked for it (for logs).</param>
/// <param name="Trigger">What asked for it, e.g. <c>pull_request.synchronize</c>.</param>
public sealed record ReviewRequest(long InstallationId, string Owner, string Repository, int Number, string HeadSha, string DeliveryId, string Trigger)
{
    /// <summary>The store's id of this review (0 until a store claimed it): the key of its lease and cancellation.</summary>
    public long ReviewId { get; init; }

    /// <summary>Which attempt this is (1 first); the last one completes the check as "Not reviewed" on failure.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>How many attempts the review gets in all.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Whether a failure of this attempt is final (no retry follows).</summary>
    public bool IsLastAttempt => Attempt >= MaxAttempts;

    /// <summary>The pull request this review is for; coalescing is per key.</summary>
    public PullRequestKey Key => new(Owner, Repository, Number);

    public override string ToString() => $"{Owner}/{Repository}#{Number} at {ShortSha} ({Trigger}, delivery {DeliveryId}{(Attempt > 1 ? $", attempt {Attempt} of {MaxAttempts}" : "")})";

    private string ShortSha => HeadSha.Length > 7 ? HeadSha[..7] : HeadSha;
}

/// <summary>A pull request, compared without regard to the case of owner and repository (as GitHub does).</summary>
public readonly record struct PullRequestKey(string Owner, string Repository, int Number)
{
    public bool Equals(PullRequestKey other) =>
        Number == other.Number
        && string.Equals(Owner, other.Owner, StringComparison.OrdinalIgnoreCase)
        && string.Equals(Repository, other.Repository, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(Owner), StringComparer.OrdinalIgnoreCase.GetHashCode(Repository), Number);

    public override string ToString() => $"{Owner}/{Repository}#{Number}";
}
