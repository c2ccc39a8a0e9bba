using ReviewBot.Agents.Context;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests.Context;

internal static class ContextTestHelpers
{
    /// <summary>The head dbt state of a repository made of <paramref name="files"/> (everything added).</summary>
    public static async Task<DbtState> HeadAsync(IReadOnlyDictionary<string, string> files) => (await BuildAsync(new Dictionary<string, string>(), files)).Dbt.Head;

    public static async Task<(DbtGraph Dbt, SqlFactsIndex Sql, PipelineFactsIndex Pipeline)> BuildAsync(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after)
    {
        var change = ChangeSets.FromFiles(before, after);
        var resources = new ResourceStore();
        await SharedContext.BuildAsync(change, resources, CancellationToken.None);
        return (resources.Get(ContextKeys.DbtGraph), resources.Get(ContextKeys.SqlFacts), resources.Get(ContextKeys.PipelineFacts));
    }
}
