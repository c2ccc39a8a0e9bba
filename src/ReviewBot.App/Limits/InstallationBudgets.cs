using System.Collections.Concurrent;
using ReviewBot.GitHub.Http;

namespace ReviewBot.App.Limits;

/// <summary>
/// One <see cref="GitHubRequestBudget"/> per App installation for the whole process: every review of the
/// installation's repositories draws on it, so concurrent reviews together stay within GitHub's primary
/// (5,000 an hour) and secondary (80 writes a minute, 100 at once) limits.
/// </summary>
internal sealed class InstallationBudgets(TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<long, GitHubRequestBudget> _budgets = new();

    public GitHubRequestBudget For(long installationId) =>
        _budgets.GetOrAdd(installationId, static (_, clock) => new GitHubRequestBudget(clock), time);

    public void Dispose()
    {
        foreach (var budget in _budgets.Values)
        {
            budget.Dispose();
        }
    }
}
