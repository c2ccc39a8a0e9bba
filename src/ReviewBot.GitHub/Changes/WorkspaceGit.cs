using System.Diagnostics;
using System.Text;
using ReviewBot.Core.Changes;

namespace ReviewBot.GitHub.Changes;

/// <summary>
/// Asks the Actions workspace checkout (<c>GITHUB_WORKSPACE</c>) which commits it has; contents are read
/// with <see cref="GitSnapshot"/>. In a container action the checkout belongs to another user; the action
/// host allows it (<c>safe.directory</c>) for every git process. Without that, git refuses the checkout,
/// <see cref="HasCommitAsync"/> answers false, and the contents come through the API instead.
/// </summary>
internal sealed class WorkspaceGit(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>True when <paramref name="sha"/> is a commit present in the checkout.</summary>
    public async Task<bool> HasCommitAsync(string sha, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return false;
        }

        var result = await RunAsync(["cat-file", "-e", sha + "^{commit}"], null, cancellationToken).ConfigureAwait(false);
        return result.ExitCode == 0;
    }

    public async Task<string?> MergeBaseAsync(string a, string b, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["merge-base", a, b], null, cancellationToken).ConfigureAwait(false);
        var sha = Encoding.UTF8.GetString(result.Output).Trim();
        return result.ExitCode == 0 && sha.Length >= 40 ? sha : null;
    }

    internal async Task<(int ExitCode, byte[] Output, string Error)> RunAsync(IReadOnlyList<string> args, byte[]? input, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(Directory);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("git could not be started.");
        using var registration = cancellationToken.Register(() =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
        });
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout, cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        await copy.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, stdout.ToArray(), error);
    }
}
