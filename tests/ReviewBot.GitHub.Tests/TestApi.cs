using ReviewBot.GitHub.Tests.Http;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests;

internal static class TestApi
{
    public static GitHubApi For(FakeGitHub fake, TimeProvider? time = null, string? token = "ghs_test") =>
        GitHubClientFactory.Create(new GitHubOptions
        {
            ApiUrl = new Uri(fake.ApiUrl),
            Token = token,
            TimeProvider = time ?? new AutoAdvancingTimeProvider(),
        });
}
