using ReviewBot.TestUtils;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>
/// <c>action/publish.sh</c> (the Dockerfile's publish: self-contained, ReadyToRun composite, partially trimmed; this machine's runtime identifier) into a temp folder, once per test
/// run, so the end-to-end tests run the very binary the Docker image's entrypoint runs.
/// </summary>
internal static class PublishedCli
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

    public static async Task<string> PathAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_path is not null)
            {
                return _path;
            }

            // A self-contained ReadyToRun publish on a loaded 2-core machine took 11 minutes; a stuck one still ends.
            var output = await RepositoryScripts.PublishAsync("action/publish.sh", "reviewbot-published", TimeSpan.FromMinutes(30));
            var exe = Path.Combine(output, OperatingSystem.IsWindows() ? "reviewbot.exe" : "reviewbot");
            _path = File.Exists(exe) ? exe : throw new FileNotFoundException("The published app has no reviewbot executable.", exe);
            return _path;
        }
        finally
        {
            Gate.Release();
        }
    }
}
