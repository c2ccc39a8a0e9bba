using System.Diagnostics;
using System.Text;
using ReviewBot.Core.Changes;

namespace ReviewBot.GitHub.Changes;

/// <summary>
/// Reads commits of the Actions workspace checkout (<c>GITHUB_WORKSPACE</c>) with plain git.
/// <c>safe.directory</c> is set per call: in a container action the checkout belongs to another user.
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

    /// <summary>The text of <paramref name="path"/> at <paramref name="sha"/>, or null when absent.</summary>
    public async Task<string?> ShowAsync(string sha, string path, CancellationToken cancellationToken)
    {
        var snapshot = new Snapshot(this, sha, int.MaxValue);
        var files = await snapshot.ReadFilesAsync([path], cancellationToken).ConfigureAwait(false);
        return files.TryGetValue(path, out var text) ? text : null;
    }

    public ISnapshot SnapshotAt(string sha, int maxFileBytes) => new Snapshot(this, sha, maxFileBytes);

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
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("safe.directory=*");
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

    private sealed class Snapshot(WorkspaceGit git, string sha, int maxFileBytes) : ISnapshot
    {
        private IReadOnlyList<string>? _files;

        public string Revision => sha;

        public async ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken)
        {
            if (_files is null)
            {
                var result = await git.RunAsync(["ls-tree", "-r", "-z", "--name-only", sha], null, cancellationToken).ConfigureAwait(false);
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"git ls-tree {sha} failed in {git.Directory}: {result.Error.Trim()}");
                }

                _files = Encoding.UTF8.GetString(result.Output).Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
            }

            return _files;
        }

        public async ValueTask<IReadOnlyDictionary<string, string>> ReadFilesAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var wanted = paths.Where(p => !p.Contains('\n', StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
            if (wanted.Count == 0)
            {
                return result;
            }

            var input = Encoding.UTF8.GetBytes(string.Concat(wanted.Select(p => $"{sha}:{p}\n")));
            var run = await git.RunAsync(["cat-file", "--batch"], input, cancellationToken).ConfigureAwait(false);
            var output = run.Output;
            var position = 0;
            var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
            foreach (var path in wanted)
            {
                var newline = Array.IndexOf(output, (byte)'\n', position);
                if (newline < 0)
                {
                    break;
                }

                var header = Encoding.UTF8.GetString(output, position, newline - position).Split(' ');
                position = newline + 1;
                if (header.Length != 3 || !int.TryParse(header[2], out var size))
                {
                    continue; // "<object> missing"
                }

                var content = output.AsSpan(position, size);
                position += size + 1;
                if (header[1] != "blob" || size > maxFileBytes || content[..Math.Min(size, 8000)].Contains((byte)0))
                {
                    continue;
                }

                try
                {
                    var text = utf8.GetString(content);
                    result[path] = text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
                }
                catch (DecoderFallbackException)
                {
                }
            }

            return result;
        }
    }
}
