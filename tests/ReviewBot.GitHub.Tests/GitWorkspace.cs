using System.Diagnostics;

namespace ReviewBot.GitHub.Tests;

/// <summary>A throwaway git repository with a base and a head commit, like an Actions checkout with full history.</summary>
internal sealed class GitWorkspace : IDisposable
{
    private GitWorkspace(string path) => Path = path;

    public string Path { get; }

    public string BaseSha { get; private set; } = "";

    public string HeadSha { get; private set; } = "";

    public static GitWorkspace Create(IReadOnlyDictionary<string, string> baseFiles, IReadOnlyDictionary<string, string> headFiles)
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "reviewbot-ws-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var ws = new GitWorkspace(dir);
        ws.Git("init", "-q", "-b", "main");
        ws.BaseSha = ws.Commit(baseFiles, "base");
        ws.Git("checkout", "-q", "-b", "feature");
        ws.HeadSha = ws.Commit(headFiles, "head");
        return ws;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string Commit(IReadOnlyDictionary<string, string> files, string message)
    {
        foreach (var existing in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.git/", StringComparison.Ordinal)))
        {
            File.Delete(existing);
        }

        foreach (var (name, text) in files)
        {
            var full = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }

        Git("add", "-A");
        Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    private string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
    }
}
