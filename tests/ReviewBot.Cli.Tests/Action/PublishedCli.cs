using System.Diagnostics;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>
/// <c>action/publish.sh</c> (the Dockerfile's publish: self-contained ReadyToRun, this machine's runtime identifier) into a temp folder, once per test
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

            // One folder per checkout, overwritten by each run: no copies pile up in temp.
            var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(WebhookFixtures.RepositoryRoot)))[..12];
            var output = Path.Combine(Path.GetTempPath(), "reviewbot-published", key);
            var script = Path.Combine(WebhookFixtures.RepositoryRoot, "action", "publish.sh");
            var start = new ProcessStartInfo("bash")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in (string[])[script, output])
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            // A self-contained ReadyToRun publish on a loaded 2-core machine took 11 minutes; a stuck one still ends.
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"action/publish.sh failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
            }

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
