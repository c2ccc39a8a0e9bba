using System.Diagnostics;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>
/// <c>dotnet publish</c> of src/ReviewBot.Cli into a temp folder, once per test run, so the end-to-end
/// tests run the published <c>reviewbot</c> exactly as the Docker image's entrypoint does.
/// </summary>
internal static class PublishedCli
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static async Task<string> PathAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_path is not null)
            {
                return _path;
            }

            var output = Path.Combine(Path.GetTempPath(), "reviewbot-published", Guid.NewGuid().ToString("N")[..12]);
            var project = Path.Combine(WebhookFixtures.RepositoryRoot, "src", "ReviewBot.Cli", "ReviewBot.Cli.csproj");
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in (string[])["publish", project, "-c", Configuration, "-o", output, "-nodeReuse:false", "-p:UseAppHost=true"])
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["DOTNET_NOLOGO"] = "1";
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
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
