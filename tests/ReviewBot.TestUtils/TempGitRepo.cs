using System.Diagnostics;
using System.Text;

namespace ReviewBot.TestUtils;

/// <summary>
/// A real git repository in a fresh temp folder, for tests that need real <c>git</c> output.
/// Identity, signing and line endings are configured locally, and the user's global and system
/// gitconfig are ignored for the helper's own commands, so tests behave the same on every machine.
/// </summary>
/// <example>
/// <code>
/// using var repo = TempGitRepo.Create();
/// repo.WriteFile("models/orders.sql", "select 1\n");
/// var baseSha = repo.Commit("base");
/// repo.Branch("feature", checkout: true);
/// repo.WriteFile("models/orders.sql", "select 2\n");
/// var headSha = repo.Commit("change");
/// </code>
/// </example>
public sealed class TempGitRepo : IDisposable
{
    private static readonly string EmptyConfig = CreateEmptyConfig();

    private TempGitRepo(string root)
    {
        Root = root;
    }

    /// <summary>The repository's top-level folder (absolute).</summary>
    public string Root { get; }

    /// <summary>The SHA of <c>HEAD</c>.</summary>
    public string Head => Run("rev-parse", "HEAD").Trim();

    /// <summary>The current branch name.</summary>
    public string CurrentBranch => Run("rev-parse", "--abbrev-ref", "HEAD").Trim();

    /// <summary>Creates an empty repository whose first branch is <paramref name="initialBranch"/>.</summary>
    public static TempGitRepo Create(string initialBranch = "main")
    {
        var root = Path.Combine(Path.GetTempPath(), "reviewbot-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var repo = new TempGitRepo(Path.GetFullPath(root));
        try
        {
            repo.Run("init", "--quiet", "--initial-branch", initialBranch);
            repo.Config("user.name", "Test User");
            repo.Config("user.email", "test@example.com");
            repo.Config("commit.gpgsign", "false");
            repo.Config("tag.gpgsign", "false");
            repo.Config("core.autocrlf", "false");
            repo.Config("core.safecrlf", "false");
            repo.Config("core.fileMode", "true");
            return repo;
        }
        catch
        {
            repo.Dispose();
            throw;
        }
    }

    /// <summary>The absolute path of a repository-relative path (forward slashes accepted).</summary>
    public string PathOf(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no BOM), exactly as given: no newline is added or converted.</summary>
    public TempGitRepo WriteFile(string relativePath, string text) => WriteFile(relativePath, new UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes raw bytes (binary files, CRLF, invalid UTF-8), creating folders as needed.</summary>
    public TempGitRepo WriteFile(string relativePath, byte[] bytes)
    {
        var path = PathOf(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return this;
    }

    /// <summary>Reads a file of the working tree as text.</summary>
    public string ReadFile(string relativePath) => File.ReadAllText(PathOf(relativePath));

    /// <summary>Deletes a file from the working tree (the next <see cref="Commit"/> records the deletion).</summary>
    public TempGitRepo DeleteFile(string relativePath)
    {
        File.Delete(PathOf(relativePath));
        return this;
    }

    /// <summary>Renames a file with <c>git mv</c>.</summary>
    public TempGitRepo Move(string from, string to)
    {
        var target = Path.GetDirectoryName(PathOf(to));
        if (target is not null)
        {
            Directory.CreateDirectory(target);
        }

        Run("mv", "--", from, to);
        return this;
    }

    /// <summary>Sets or clears the executable bit, on disk and in the index (works where the file system has no modes).</summary>
    public TempGitRepo SetExecutable(string relativePath, bool executable = true)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(PathOf(relativePath));
            const UnixFileMode x = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            File.SetUnixFileMode(PathOf(relativePath), executable ? mode | x : mode & ~x);
        }

        Run("add", "--", relativePath);
        Run("update-index", executable ? "--chmod=+x" : "--chmod=-x", "--", relativePath);
        return this;
    }

    /// <summary>Stages everything (<c>git add -A</c>) and commits; returns the new commit's SHA. Empty commits are allowed.</summary>
    public string Commit(string message)
    {
        Run("add", "-A");
        Run("commit", "--quiet", "--allow-empty", "--no-verify", "-m", message);
        return Head;
    }

    /// <summary>Creates a branch at <paramref name="startPoint"/> (default HEAD) and optionally checks it out.</summary>
    public TempGitRepo Branch(string name, string? startPoint = null, bool checkout = false)
    {
        if (checkout)
        {
            Run(startPoint is null ? ["checkout", "--quiet", "-b", name] : ["checkout", "--quiet", "-b", name, startPoint]);
        }
        else
        {
            Run(startPoint is null ? ["branch", name] : ["branch", name, startPoint]);
        }

        return this;
    }

    /// <summary>Creates a lightweight tag at <paramref name="target"/> (default HEAD).</summary>
    public TempGitRepo Tag(string name, string? target = null)
    {
        Run(target is null ? ["tag", name] : ["tag", name, target]);
        return this;
    }

    /// <summary>Merges <paramref name="branch"/> into the current branch with a merge commit; returns its SHA.</summary>
    public string Merge(string branch, string? message = null)
    {
        Run("merge", "--quiet", "--no-ff", "--no-edit", "-m", message ?? $"Merge {branch}", branch);
        return Head;
    }

    /// <summary>Checks out a branch, tag or commit.</summary>
    public TempGitRepo Checkout(string reference)
    {
        Run("checkout", "--quiet", reference);
        return this;
    }

    /// <summary>Sets a local config value of this repository.</summary>
    public TempGitRepo Config(string key, string value)
    {
        Run("config", "--local", key, value);
        return this;
    }

    /// <summary>Runs git in the repository and returns stdout as text; throws with stderr when git fails.</summary>
    public string Run(params string[] arguments) => Encoding.UTF8.GetString(RunBytes(arguments));

    /// <summary>Runs git in the repository and returns stdout as raw bytes (e.g. a diff with non-UTF-8 content).</summary>
    public byte[] RunBytes(params string[] arguments)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = Root,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["GIT_CONFIG_GLOBAL"] = EmptyConfig;
        info.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["LC_ALL"] = "C";
        info.Environment.Remove("GIT_DIR");
        info.Environment.Remove("GIT_WORK_TREE");
        info.Environment.Remove("GIT_INDEX_FILE");

        using var process = Process.Start(info) ?? throw new InvalidOperationException("git could not be started");
        var error = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (error)
            {
                error.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            lock (error)
            {
                throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {error.ToString().Trim()}");
            }
        }

        return output.ToArray();
    }

    public void Dispose()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        try
        {
            // git makes its object files read-only, which stops Directory.Delete on Windows.
            foreach (var file in Directory.EnumerateFiles(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string CreateEmptyConfig()
    {
        var folder = Path.Combine(Path.GetTempPath(), "reviewbot-tests");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "empty.gitconfig");
        try
        {
            using var _ = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another test process created it at the same moment.
        }

        return path;
    }
}
