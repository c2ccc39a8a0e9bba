namespace ReviewBot.Dbt.Projects;

/// <summary>The files of one repository snapshot (a working tree, a git revision, a pull request side).</summary>
public interface IRepositoryFiles
{
    /// <summary>Every file path, relative to the repository root, with forward slashes.</summary>
    IReadOnlyList<string> Paths { get; }

    /// <summary>The text of a file, or null when it does not exist or cannot be read.</summary>
    string? Read(string path);
}

/// <summary>Files held in memory (tests, a pull request side already fetched).</summary>
public sealed class InMemoryFiles(IReadOnlyDictionary<string, string> files) : IRepositoryFiles
{
    public IReadOnlyList<string> Paths { get; } = files.Keys.ToList();

    public string? Read(string path) => files.TryGetValue(path, out var text) ? text : null;
}

/// <summary>Files of a folder on disk, read on demand.</summary>
public sealed class DirectoryFiles : IRepositoryFiles
{
    private readonly string _root;

    public DirectoryFiles(string root)
    {
        _root = Path.GetFullPath(root);
        Paths = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(_root, p).Replace('\\', '/'))
            .Where(p => !p.StartsWith(".git/", StringComparison.Ordinal))
            .ToList();
    }

    public IReadOnlyList<string> Paths { get; }

    public string? Read(string path)
    {
        var full = Path.GetFullPath(Path.Combine(_root, path));
        if (!full.StartsWith(_root, StringComparison.Ordinal) || !File.Exists(full))
        {
            return null;
        }

        try
        {
            return File.ReadAllText(full);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
