using ReviewBot.App.Queue;

namespace ReviewBot.App.Reviewing;

/// <summary>Runs one review of a pull request and publishes it (comment and check run).</summary>
public interface IPullRequestReviewer
{
    /// <summary>Reviews <paramref name="request"/>; throws when the review could not be done or published.</summary>
    Task ReviewAsync(ReviewRequest request, CancellationToken cancellationToken);
}
