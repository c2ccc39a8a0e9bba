using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace ReviewBot.TestUtils;

/// <summary>
/// The checkout's own shell scripts (<c>action/publish.sh</c>, <c>action/publish-app.sh</c>, the release script), run
/// with <c>bash</c> from the repository root as the Dockerfiles and the release workflow run them.
/// </summary>
public static class RepositoryScripts
{
    /// <summary>Runs <c>bash args...</c> in the repository root; a run still going after <paramref name="timeout"/> is cancelled.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot.Path };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Publishes with <paramref name="script"/> into one temp folder per checkout (overwritten by each run, so no copies
    /// pile up) and returns that folder; a failed publish throws with the script's output.
    /// </summary>
    public static async Task<string> PublishAsync(string script, string folder, TimeSpan timeout)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RepositoryRoot.Path)))[..12];
        var output = Path.Combine(Path.GetTempPath(), folder, key);
        var (exit, stdout, stderr) = await RunAsync(timeout, script, output);
        return exit == 0 ? output : throw new InvalidOperationException($"{script} failed ({exit}):\n{stdout}\n{stderr}");
    }
}
