using System.Diagnostics;
using System.Globalization;
using System.Text;
using ReviewBot.Core;
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

    /// <summary>
    /// Whether the checkout has <paramref name="sha"/>, and the bytes of the regular file <paramref name="path"/> there
    /// (null: no such file). Two small git processes and no tree listing: listing the 11,000 files of a large dbt
    /// project took 70 ms, before the first request of the Action (issue 16).
    /// </summary>
    /// <exception cref="InvalidInputException">The path is not a file, or the file is over <paramref name="maxBytes"/>.</exception>
    public async Task<(bool HasCommit, byte[]? Content)> ReadFileAtAsync(string sha, string path, int maxBytes, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return (false, null);
        }

        // "<oid> <type> <size>" or "<name> missing", one line per object asked for.
        var check = await RunAsync(["cat-file", "--batch-check"], Encoding.UTF8.GetBytes($"{sha}^{{commit}}\n{sha}:{path}\n"), cancellationToken).ConfigureAwait(false);
        var answers = Encoding.UTF8.GetString(check.Output).Split('\n');
        if (check.ExitCode != 0 || answers.Length < 2 || answers[0].EndsWith(" missing", StringComparison.Ordinal))
        {
            return (false, null);
        }

        // The name asked for is echoed only in a "missing" answer, and it may hold spaces.
        var file = answers[1].Split(' ');
        if (answers[1].EndsWith(" missing", StringComparison.Ordinal) || file.Length != 3)
        {
            return (true, null);
        }

        var source = $"{path}@{GitHubChangeSource.Short(sha)}";
        if (file[1] != "blob")
        {
            throw new InvalidInputException($"{source}: not a file (a {file[1]}).");
        }

        if (!long.TryParse(file[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size > maxBytes)
        {
            throw new InvalidInputException($"{source}: {file[2]} bytes; the limit is {maxBytes:N0}.");
        }

        var blob = await RunAsync(["cat-file", "blob", file[0]], null, cancellationToken).ConfigureAwait(false);
        return blob.ExitCode == 0 ? (true, blob.Output) : throw new InvalidInputException($"{source}: git could not read it: {blob.Error.Trim()}");
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
        try
        {
            if (input is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(input, cancellationToken).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // git stopped reading (not a repository, a bad argument): its exit code and stderr say why.
        }

        await copy.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, stdout.ToArray(), error);
    }
}
