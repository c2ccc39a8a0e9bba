using System.Buffers;
using System.Globalization;
using System.Text;

namespace ReviewBot.Core.Changes;

/// <summary>
/// One commit of a local git repository. The tree is listed once with <c>git ls-tree -r -l -z</c>;
/// contents come from one <c>git cat-file --batch</c> process per read, however many files are asked
/// for. Binary files (a NUL byte in the first 8,000 bytes, git's own test), symlinks, submodules and
/// files larger than <see cref="MaxFileBytes"/> are left out of <see cref="ReadFilesAsync"/>;
/// <see cref="ExplainAbsentAsync"/> says which of these each left-out file is.
/// </summary>
public sealed class GitSnapshot : ISnapshot, ISizeLimitedSnapshot
{
    /// <summary>The default per-file limit, 1 MiB (the default of <c>limits.max_file_bytes</c>).</summary>
    public const int DefaultMaxFileBytes = 1 << 20;

    private readonly string _repositoryRoot;
    private Dictionary<string, TreeEntry>? _tree;

    /// <param name="repositoryRoot">The top-level folder of the repository.</param>
    /// <param name="commit">A full commit SHA (or any revision git can resolve).</param>
    public GitSnapshot(string repositoryRoot, string commit)
    {
        _repositoryRoot = repositoryRoot;
        Revision = commit;
    }

    public string Revision { get; }

    /// <summary>Files larger than this are not read; hosts set it from <c>limits.max_file_bytes</c>. Default 1 MiB.</summary>
    public int MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    public async ValueTask<IReadOnlyDictionary<string, SkippedFile>> ExplainAbsentAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var tree = await TreeAsync(cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, SkippedFile>(StringComparer.Ordinal);
        var toRead = new List<string>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            if (!tree.TryGetValue(path, out var entry))
            {
                result[path] = new SkippedFile(path, $"missing from the snapshot of {Revision}");
            }
            else if (entry.Mode is not ("100644" or "100755"))
            {
                result[path] = new SkippedFile(path, entry.Mode == "120000" ? "a symbolic link, not a file" : "a submodule, not a file") { Kind = SkipKind.NoContentChange };
            }
            else if (entry.Size < 0)
            {
                result[path] = new SkippedFile(path, $"not readable: git has no object {entry.Object} for it (a shallow or damaged clone?)");
            }
            else if (entry.Size > MaxFileBytes)
            {
                result[path] = TooLarge(path, entry.Size, MaxFileBytes);
            }
            else
            {
                toRead.Add(path);
            }
        }

        // Only the first 8,000 bytes of each blob decide (git's own test); the rest is streamed past, never held, so
        // checking thousands of changed files costs one small buffer, not their contents.
        if (toRead.Count > 0)
        {
            var wanted = toRead.Select(p => (Path: p, tree[p].Object)).ToList();
            await CatFilesAsync(wanted, stdout => PeekBatchAsync(stdout, wanted, result, Revision, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The blob id of <paramref name="path"/> at this commit, or null when the commit has no such file.</summary>
    public async ValueTask<string?> BlobIdAsync(string path, CancellationToken cancellationToken)
    {
        var tree = await TreeAsync(cancellationToken).ConfigureAwait(false);
        return tree.TryGetValue(path, out var entry) ? entry.Object : null;
    }

    /// <summary>The one wording of "too large", the same for every source.</summary>
    public static SkippedFile TooLarge(string path, long size, int limit) =>
        new(path, $"larger than limits.max_file_bytes ({size:N0} > {limit:N0} bytes)");

    public async ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken)
    {
        var tree = await TreeAsync(cancellationToken).ConfigureAwait(false);
        return tree.Keys.Order(StringComparer.Ordinal).ToList();
    }

    public async ValueTask<IReadOnlyDictionary<string, string>> ReadFilesAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var tree = await TreeAsync(cancellationToken).ConfigureAwait(false);
        var wanted = new List<(string Path, string Object)>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            if (tree.TryGetValue(path, out var entry) && entry.Mode is "100644" or "100755" && entry.Size <= MaxFileBytes)
            {
                wanted.Add((path, entry.Object));
            }
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return result;
        }

        var maxFileBytes = MaxFileBytes;
        await CatFilesAsync(wanted, stdout => ReadBatchAsync(stdout, wanted, result, maxFileBytes, cancellationToken), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>A file's text (UTF-8, a byte order mark dropped), or null when it is binary (a NUL in its first 8,000 bytes).</summary>
    public static string? DecodeText(ReadOnlySpan<byte> content)
    {
        if (content[..Math.Min(content.Length, 8000)].Contains((byte)0))
        {
            return null;
        }

        if (content.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            content = content[3..];
        }

        return Encoding.UTF8.GetString(content);
    }

    private async Task CatFilesAsync(List<(string Path, string Object)> wanted, Func<Stream, Task> readAnswers, CancellationToken cancellationToken)
    {
        using var process = GitProcess.Start(GitProcess.StartInfo(_repositoryRoot, ["cat-file", "--batch"]));
        using var kill = GitProcess.KillOnCancel(process, cancellationToken);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);

        // Write the requests while reading the answers, so neither pipe fills up and blocks git.
        var writer = Task.Run(
            async () =>
            {
                var stdin = process.StandardInput.BaseStream;
                var request = new StringBuilder();
                foreach (var (_, obj) in wanted)
                {
                    request.Append(obj).Append('\n');
                    if (request.Length > 64 * 1024)
                    {
                        await stdin.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);
                        request.Clear();
                    }
                }

                await stdin.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken).ConfigureAwait(false);
                stdin.Close();
            },
            cancellationToken);

        try
        {
            await readAnswers(new BufferedStream(process.StandardOutput.BaseStream, 1 << 16)).ConfigureAwait(false);
        }
        catch (IOException) when (cancellationToken.IsCancellationRequested)
        {
            // Killed mid-object by the cancellation.
        }

        try
        {
            await writer.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // git stopped reading (it failed or was killed); its exit code and stderr below say why.
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        var stderr = await error.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (process.ExitCode != 0)
        {
            throw new InvalidInputException($"git cat-file failed in '{_repositoryRoot}': {new GitResult(process.ExitCode, [], stderr).FirstErrorLine}");
        }
    }

    private static async Task ReadBatchAsync(Stream stdout, List<(string Path, string Object)> wanted, Dictionary<string, string> result, int maxFileBytes, CancellationToken cancellationToken)
    {
        foreach (var (path, obj) in wanted)
        {
            var header = await ReadHeaderAsync(stdout, cancellationToken).ConfigureAwait(false);
            if (header is null)
            {
                return;
            }

            // "<oid> <type> <size>" or "<oid> missing".
            var parts = header.Split(' ');
            if (parts.Length != 3)
            {
                continue;
            }

            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size > maxFileBytes)
            {
                if (!long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var large))
                {
                    return; // an answer that cannot be followed further
                }

                await SkipAsync(stdout, large + 1, cancellationToken).ConfigureAwait(false); // larger than ls-tree said
                continue;
            }

            var content = ArrayPool<byte>.Shared.Rent(size + 1);
            try
            {
                await stdout.ReadExactlyAsync(content.AsMemory(0, size + 1), cancellationToken).ConfigureAwait(false);
                if (parts[1] == "blob" && parts[0] == obj && DecodeText(content.AsSpan(0, size)) is { } text)
                {
                    result[path] = text;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(content);
            }
        }
    }

    /// <summary>
    /// Decides binary-or-text from each blob's first 8,000 bytes and streams past the rest. A blob git cannot produce
    /// (missing from a shallow or damaged clone) is "not analysed" with that reason — never "binary".
    /// </summary>
    private static async Task PeekBatchAsync(Stream stdout, List<(string Path, string Object)> wanted, Dictionary<string, SkippedFile> result, string revision, CancellationToken cancellationToken)
    {
        var head = new byte[8000];
        foreach (var (path, obj) in wanted)
        {
            var header = await ReadHeaderAsync(stdout, cancellationToken).ConfigureAwait(false);
            if (header is null)
            {
                result[path] = new SkippedFile(path, $"not readable: git stopped answering before this file of {revision}");
                continue;
            }

            var parts = header.Split(' ');
            if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                result[path] = new SkippedFile(path, $"not readable: git has no object {obj} for it ({header.Trim()}; a shallow or damaged clone?)");
                continue;
            }

            var peek = (int)Math.Min(size, head.Length);
            await stdout.ReadExactlyAsync(head.AsMemory(0, peek), cancellationToken).ConfigureAwait(false);
            await SkipAsync(stdout, size - peek + 1, cancellationToken).ConfigureAwait(false);
            if (head.AsSpan(0, peek).Contains((byte)0))
            {
                result[path] = new SkippedFile(path, "binary file (by content)") { Kind = SkipKind.Binary };
            }
        }
    }

    private static async Task SkipAsync(Stream stream, long count, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (count > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(count, buffer.Length)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new EndOfStreamException();
                }

                count -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string?> ReadHeaderAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            var read = await stream.ReadAsync(one.AsMemory(), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return line.Length == 0 ? null : line.ToString();
            }

            if (one[0] == (byte)'\n')
            {
                return line.ToString();
            }

            line.Append((char)one[0]);
        }
    }

    private async Task<Dictionary<string, TreeEntry>> TreeAsync(CancellationToken cancellationToken)
    {
        // Two concurrent first calls may both list the tree; the results are identical, so no lock.
        if (Volatile.Read(ref _tree) is { } cached)
        {
            return cached;
        }

        var listing = await GitProcess.RunAsync(_repositoryRoot, ["ls-tree", "-r", "-l", "-z", "--full-tree", Revision], cancellationToken).ConfigureAwait(false);
        if (!listing.Succeeded)
        {
            throw new InvalidInputException($"cannot list '{Revision}' in '{_repositoryRoot}': {listing.FirstErrorLine}");
        }

        var tree = ParseTree(listing.Output);
        Volatile.Write(ref _tree, tree);
        return tree;
    }

    private static Dictionary<string, TreeEntry> ParseTree(ReadOnlySpan<byte> listing)
    {
        // Each record: "<mode> SP <type> SP <object> SP+ <size or '-'> TAB <path> NUL".
        var tree = new Dictionary<string, TreeEntry>(StringComparer.Ordinal);
        while (!listing.IsEmpty)
        {
            var end = listing.IndexOf((byte)0);
            var record = end < 0 ? listing : listing[..end];
            listing = end < 0 ? default : listing[(end + 1)..];
            var tab = record.IndexOf((byte)'\t');
            if (tab < 0)
            {
                continue;
            }

            var meta = Encoding.ASCII.GetString(record[..tab]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (meta.Length != 4 || meta[1] != "blob")
            {
                continue;
            }

            // ls-tree prints "BAD" as the size of a blob it cannot find (a damaged or partial clone): unknown, not huge.
            var size = long.TryParse(meta[3], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : meta[3] is "-" or "BAD" ? -1 : long.MaxValue;
            tree[UnifiedDiffParser.Decode(record[(tab + 1)..])] = new TreeEntry(meta[0], meta[2], size);
        }

        return tree;
    }

    private readonly record struct TreeEntry(string Mode, string Object, long Size);
}
