namespace ReviewBot.Core.Changes;

/// <summary>
/// The files on disk under a folder. In a git repository the file list is what git would track
/// (<c>git ls-files --cached --others --exclude-standard</c>: ignored folders such as <c>target/</c>
/// or <c>dbt_packages/</c> stay out); elsewhere every file below the folder except <c>.git</c>.
/// Reads skip symlinks (they may point outside the folder), paths that escape the folder, binary
/// files and files larger than <see cref="MaxFileBytes"/>.
/// </summary>
public sealed class WorkingTreeSnapshot : ISnapshot, ISizeLimitedSnapshot
{
    /// <summary>The <see cref="Revision"/> of every working tree snapshot.</summary>
    public const string WorkingTreeRevision = "working-tree";

    private readonly string _root;
    private readonly bool _isGitRepository;

    /// <param name="root">The folder (the repository's top level when it is a git repository).</param>
    /// <param name="isGitRepository">List files through git (honouring .gitignore) rather than the file system.</param>
    public WorkingTreeSnapshot(string root, bool isGitRepository)
    {
        _root = Path.GetFullPath(root);
        _isGitRepository = isGitRepository;
    }

    public string Revision => WorkingTreeRevision;

    /// <summary>Files larger than this are not read; hosts set it from <c>limits.max_file_bytes</c>. Default 1 MiB.</summary>
    public int MaxFileBytes { get; set; } = GitSnapshot.DefaultMaxFileBytes;

    public async ValueTask<IReadOnlyDictionary<string, SkippedFile>> ExplainAbsentAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, SkippedFile>(StringComparer.Ordinal);
        var head = new byte[8000];
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var full = Path.GetFullPath(Path.Combine(_root, path));
            if (Directory.Exists(full))
            {
                result[path] = new SkippedFile(path, $"a directory in '{_root}', not a file");
            }
            else if (!File.Exists(full))
            {
                result[path] = new SkippedFile(path, $"missing from '{_root}'");
            }
            else if (!IsInside(full))
            {
                result[path] = new SkippedFile(path, "a symbolic link or outside the repository folder, not read");
            }
            else if (await PeekAsync(path, full, head, cancellationToken).ConfigureAwait(false) is { } why)
            {
                result[path] = why;
            }
        }

        return result;
    }

    /// <summary>
    /// Why one file cannot be read as text, from its size and its first 8,000 bytes (the rest is never read): too
    /// large, binary, or a read that failed — named as such (permission denied, vanished, locked), never "binary".
    /// </summary>
    private async Task<SkippedFile?> PeekAsync(string path, string full, byte[] head, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.Asynchronous);
            if (stream.Length > MaxFileBytes)
            {
                return GitSnapshot.TooLarge(path, stream.Length, MaxFileBytes);
            }

            var peek = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return head.AsSpan(0, peek).Contains((byte)0) ? new SkippedFile(path, "binary file (by content)") { Kind = SkipKind.Binary } : null;
        }
        catch (Exception e) when (ReadFailure(path, e) is { } why)
        {
            return why;
        }
    }

    /// <summary>The "not analysed" reason for a read that failed; null for exceptions that are not read failures.</summary>
    internal static SkippedFile? ReadFailure(string path, Exception e) => e switch
    {
        UnauthorizedAccessException => new SkippedFile(path, $"not readable: permission denied ({e.Message})"),
        FileNotFoundException or DirectoryNotFoundException => new SkippedFile(path, "vanished while being read (deleted or moved during the review)"),
        IOException => new SkippedFile(path, $"not readable: {e.Message}"),
        _ => null,
    };

    public async ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken)
    {
        IEnumerable<string> files;
        if (_isGitRepository)
        {
            var listing = await GitProcess.RunAsync(_root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cancellationToken).ConfigureAwait(false);
            if (!listing.Succeeded)
            {
                throw new InvalidInputException($"cannot list the files of '{_root}': {listing.FirstErrorLine}");
            }

            files = listing.Text.Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Where(path => File.Exists(Path.Combine(_root, path)));
        }
        else
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
            files = Directory.EnumerateFiles(_root, "*", options)
                .Select(path => Path.GetRelativePath(_root, path).Replace('\\', '/'))
                .Where(path => path != ".git" && !path.StartsWith(".git/", StringComparison.Ordinal));
        }

        return files.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public async ValueTask<IReadOnlyDictionary<string, string>> ReadFilesAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var full = Path.GetFullPath(Path.Combine(_root, path));
            if (!IsInside(full))
            {
                continue;
            }

            var info = new FileInfo(full);
            if (!info.Exists || info.Length > MaxFileBytes)
            {
                continue;
            }

            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (GitSnapshot.DecodeText(bytes) is { } text)
            {
                result[path] = text;
            }
        }

        return result;
    }

    /// <summary>True when <paramref name="full"/> lies below the root, outside <c>.git</c>, with no symlink on the way.</summary>
    private bool IsInside(string full)
    {
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            return false;
        }

        var relative = Path.GetRelativePath(_root, full).Replace('\\', '/');
        if (relative == ".git" || relative.StartsWith(".git/", StringComparison.Ordinal))
        {
            return false;
        }

        for (var current = full; current.Length > _root.Length; current = Path.GetDirectoryName(current)!)
        {
            var entry = new FileInfo(current);
            if (entry.LinkTarget is not null)
            {
                return false;
            }
        }

        return true;
    }
}
