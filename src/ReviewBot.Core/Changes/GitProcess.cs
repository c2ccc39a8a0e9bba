using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace ReviewBot.Core.Changes;

/// <summary>The outcome of one git command: exit code, raw stdout, and stderr text.</summary>
internal sealed record GitResult(int ExitCode, byte[] Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    public string Text => Encoding.UTF8.GetString(Output);

    /// <summary>The first line of stderr with git's "fatal: " prefix removed, for one-line error messages.</summary>
    public string FirstErrorLine
    {
        get
        {
            var line = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"git exited with code {ExitCode}";
            foreach (var prefix in (string[])["fatal: ", "error: "])
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..];
                }
            }

            return line;
        }
    }
}

/// <summary>
/// Runs git without a shell: arguments through <see cref="ProcessStartInfo.ArgumentList"/>, no terminal
/// prompts, C locale (stable messages), and the process killed on cancellation.
/// </summary>
internal static class GitProcess
{
    /// <summary>Refuse to buffer more than this from one command (a diff of 256 MiB is not reviewable).</summary>
    internal const int MaxOutputBytes = 256 << 20;

    public static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        info.Environment["GIT_PAGER"] = "cat";
        info.Environment["LC_ALL"] = "C";

        // Inherited from a git hook or an alias, these would point git at another repository.
        foreach (var name in (string[])["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE", "GIT_PREFIX"])
        {
            info.Environment.Remove(name);
        }

        return info;
    }

    public static Process Start(ProcessStartInfo info)
    {
        try
        {
            return Process.Start(info) ?? throw new InvalidInputException("git could not be started");
        }
        catch (Win32Exception e)
        {
            throw new InvalidInputException($"git is not installed or not on PATH ({e.Message})", e);
        }
    }

    /// <summary>Runs git to completion with stdin closed and returns what it printed.</summary>
    public static Task<GitResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(workingDirectory, arguments, MaxOutputBytes, cancellationToken);

    /// <summary>Runs git to completion, refusing (<see cref="InvalidInputException"/>) an output longer than <paramref name="maxOutputBytes"/>.</summary>
    internal static async Task<GitResult> RunAsync(string workingDirectory, IEnumerable<string> arguments, int maxOutputBytes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var process = Start(StartInfo(workingDirectory, arguments));
        process.StandardInput.Close();
        using var kill = KillOnCancel(process, cancellationToken);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        byte[] output;
        try
        {
            output = await ReadAllAsync(process.StandardOutput.BaseStream, maxOutputBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidInputException)
        {
            Kill(process);
            throw;
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        var stderr = await error.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new GitResult(process.ExitCode, output, stderr);
    }

    /// <summary>Kills the process (and its children) when the token fires.</summary>
    public static CancellationTokenRegistration KillOnCancel(Process process, CancellationToken cancellationToken) =>
        cancellationToken.Register(static state => Kill((Process)state!), process);

    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting; nothing left to kill.
        }
    }

    /// <summary>
    /// Reads the stream whole into one exact array. The bytes go to fixed chunks first and are copied once at the
    /// end: twice the output at the peak, where a <see cref="MemoryStream"/> doubles its buffer (the old and new
    /// copies live together) and copies again in <c>ToArray</c> — up to 2.5x at once and 3.5x allocated, for a diff
    /// that may be hundreds of megabytes.
    /// </summary>
    private static async Task<byte[]> ReadAllAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        const int ChunkSize = 1 << 16;
        var chunks = new List<byte[]>();
        var total = 0;
        var filled = ChunkSize;
        while (true)
        {
            if (filled == ChunkSize)
            {
                chunks.Add(new byte[ChunkSize]);
                filled = 0;
            }

            var read = await stream.ReadAsync(chunks[^1].AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            if ((long)total + read > maxBytes)
            {
                throw new InvalidInputException($"git output is larger than {(maxBytes >= 1 << 20 ? $"{maxBytes >> 20} MiB" : $"{maxBytes} bytes")}; refusing to read it");
            }

            filled += read;
            total += read;
        }

        var output = new byte[total];
        for (var i = 0; i < chunks.Count; i++)
        {
            var length = Math.Min(ChunkSize, total - (i * ChunkSize));
            chunks[i].AsSpan(0, length).CopyTo(output.AsSpan(i * ChunkSize));
        }

        return output;
    }
}
