using System.Collections.Concurrent;
using System.Globalization;
using ReviewBot.Core.Limits;
using ReviewBot.GitHub.Http;

namespace ReviewBot.App.Limits;

/// <summary>
/// One <see cref="GitHubRequestBudget"/> per App installation for the whole process: every review of the
/// installation's repositories draws on it, so concurrent reviews together stay within GitHub's primary
/// (5,000 an hour) and secondary (80 writes a minute, 100 at once) limits. With <paramref name="shared"/> (the
/// App on PostgreSQL) the hourly and write buckets of an installation are shared by every replica.
/// </summary>
internal sealed class InstallationBudgets(TimeProvider time, ISharedRateBuckets? shared = null, GitHubRequestBudgetOptions? options = null) : IDisposable
{
    private readonly ConcurrentDictionary<long, GitHubRequestBudget> _budgets = new();

    /// <summary>Requests sent, all installations.</summary>
    public long Requests => _budgets.Values.Sum(b => b.Requests);

    /// <summary>Requests that waited for their installation's budget, all installations.</summary>
    public long Waits => _budgets.Values.Sum(b => b.Waits);

    public GitHubRequestBudget For(long installationId) =>
        _budgets.GetOrAdd(
            installationId,
            static (id, self) => new GitHubRequestBudget(self.time, self.options, self.shared, "github:" + id.ToString(CultureInfo.InvariantCulture)),
            (time, shared, options));

    public void Dispose()
    {
        foreach (var budget in _budgets.Values)
        {
            budget.Dispose();
        }
    }
}
