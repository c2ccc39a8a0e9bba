using System.Collections.Concurrent;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using ReviewBot.Core.Changes;

namespace ReviewBot.GitHub.Changes;

/// <summary>
/// A GitHub tarball (<c>GET /repos/o/r/tarball/{sha}</c>: gzip, one top folder <c>owner-repo-sha/</c>) read lazily:
/// opening it lists the entries (names and sizes, no content); <see cref="ReadFilesAsync"/> decompresses again and
/// keeps only the files asked for, within <c>limits.max_file_bytes</c> per file and a total byte budget for the
/// snapshot. Only what the agents need is ever held in memory, however much text the repository has.
/// Files the archive lacks (<c>export-ignore</c> in <c>.gitattributes</c>) can be added from the contents API with
/// <see cref="AddFetched"/>; those it still lacks are explained as missing by <see cref="ExplainAbsentAsync"/>.
/// Unchanged files an <c>export-ignore</c> hides are found by comparing the archive with the commit's tree
/// (<see cref="ConnectApi"/>): they are listed, read one by one when the review asks for them, and reported as
/// <see cref="UnreadContext"/> when they could not be.
/// </summary>
internal sealed class TarballSnapshot : ISnapshot, ISizeLimitedSnapshot, IContextGaps
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _gzip;
    private readonly long _maxTotalBytes;
    private readonly Dictionary<string, long> _index;
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SkippedFile> _omitted = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, SkippedFile> _gaps = new(StringComparer.Ordinal);
    private Func<CancellationToken, Task<IReadOnlyDictionary<string, long>?>>? _listTree;
    private Func<string, CancellationToken, Task<string?>>? _fetch;
    private Task<Dictionary<string, long>>? _hidden;
    private int _readsLeft;
    private long _readBytes;

    private TarballSnapshot(byte[] gzip, string revision, Dictionary<string, long> index, int maxFileBytes, long maxTotalBytes)
    {
        _gzip = gzip;
        Revision = revision;
        _index = index;
        MaxFileBytes = maxFileBytes;
        _maxTotalBytes = maxTotalBytes;
    }

    public string Revision { get; }

    public int MaxFileBytes { get; set; }

    /// <summary>Bytes of file content decoded so far (the budget's meter).</summary>
    public long BytesRead => Interlocked.Read(ref _readBytes);

    /// <summary>Lists the archive's regular files (one streaming pass, content skipped).</summary>
    public static async Task<TarballSnapshot> OpenAsync(byte[] gzip, string revision, int maxFileBytes, long maxTotalBytes, CancellationToken cancellationToken)
    {
        var index = await Task.Run(
            () =>
            {
                var entries = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var (path, entry) in Entries(gzip, cancellationToken))
                {
                    entries[path] = entry.Length;
                }

                return entries;
            },
            cancellationToken).ConfigureAwait(false);
        return new TarballSnapshot(gzip, revision, index, maxFileBytes, maxTotalBytes);
    }

    public bool Contains(string path) => _index.ContainsKey(path) || _texts.ContainsKey(path);

    public IReadOnlyCollection<SkippedFile> UnreadContext => _gaps.Values.ToList();

    /// <summary>
    /// Lets the snapshot find and read files the archive lacks: <paramref name="listTree"/> gives the commit's regular
    /// files with their sizes (null when the tree cannot be listed in full), <paramref name="fetch"/> reads one file
    /// (null when absent); at most <paramref name="readsLeft"/> files are read one by one.
    /// </summary>
    public void ConnectApi(Func<CancellationToken, Task<IReadOnlyDictionary<string, long>?>> listTree, Func<string, CancellationToken, Task<string?>> fetch, int readsLeft)
    {
        _listTree = listTree;
        _fetch = fetch;
        _readsLeft = readsLeft;
    }

    /// <summary>A file the archive lacks, read individually (contents API); counted against the budget.</summary>
    public void AddFetched(string path, string text)
    {
        _texts[path] = text;
        Interlocked.Add(ref _readBytes, Encoding.UTF8.GetByteCount(text));
    }

    /// <summary>A file the archive lacks and that could not be read individually either, with the reason.</summary>
    public void AddOmitted(SkippedFile why) => _omitted[why.File] = why;

    public async ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken)
    {
        var hidden = await HiddenAsync(cancellationToken).ConfigureAwait(false);
        return _index.Keys.Concat(_texts.Keys).Concat(hidden.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public async ValueTask<IReadOnlyDictionary<string, string>> ReadFilesAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        if (_listTree is not null && paths.Any(p => !_index.ContainsKey(p) && !_texts.ContainsKey(p)))
        {
            await ReadHiddenAsync(paths, cancellationToken).ConfigureAwait(false);
        }

        return ReadArchive(paths, cancellationToken);
    }

    /// <summary>The commit's files the archive lacks (an export-ignore), listed once; empty without API access.</summary>
    private Task<Dictionary<string, long>> HiddenAsync(CancellationToken cancellationToken)
    {
        if (_listTree is not { } listTree)
        {
            return Task.FromResult(new Dictionary<string, long>(StringComparer.Ordinal));
        }

        lock (_gate)
        {
            return _hidden ??= ListHiddenAsync(listTree, cancellationToken);
        }
    }

    private async Task<Dictionary<string, long>> ListHiddenAsync(Func<CancellationToken, Task<IReadOnlyDictionary<string, long>?>> listTree, CancellationToken cancellationToken)
    {
        var tree = await listTree(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            return tree is null
                ? new Dictionary<string, long>(StringComparer.Ordinal)
                : tree.Where(t => !_index.ContainsKey(t.Key) && !_texts.ContainsKey(t.Key)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Reads the asked-for files the archive hides one by one, within the budget; the rest become gaps.</summary>
    private async Task ReadHiddenAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var hidden = await HiddenAsync(cancellationToken).ConfigureAwait(false);
        var wanted = paths.Where(p => hidden.ContainsKey(p) && !_texts.ContainsKey(p) && !_omitted.ContainsKey(p)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var path in wanted)
        {
            if (hidden[path] > MaxFileBytes)
            {
                continue; // explained by size, like an archived file over the limit
            }

            if (Interlocked.Decrement(ref _readsLeft) < 0)
            {
                Omit(new SkippedFile(path, $"missing from the repository archive of {GitHubChangeSource.Short(Revision)} (export-ignore in .gitattributes) and over the {GitHubChangeSource.MaxIndividualReads} files read one by one"));
                continue;
            }

            var text = await _fetch!(path, cancellationToken).ConfigureAwait(false);
            if (text is null)
            {
                Omit(new SkippedFile(path, $"missing from the repository archive of {GitHubChangeSource.Short(Revision)} (export-ignore in .gitattributes) and not readable from the contents API"));
            }
            else
            {
                lock (_gate)
                {
                    AddFetched(path, text);
                }
            }
        }
    }

    private void Omit(SkippedFile why)
    {
        lock (_gate)
        {
            _omitted[why.File] = why;
        }

        _gaps[why.File] = why;
    }

    private Dictionary<string, string> ReadArchive(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        // The archive is in memory: extraction is CPU work, done under one lock so concurrent readers share the cache.
        lock (_gate)
        {
            var wanted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in paths)
            {
                if (!_texts.ContainsKey(path) && !_omitted.ContainsKey(path) && _index.TryGetValue(path, out var size))
                {
                    if (size > MaxFileBytes)
                    {
                        continue; // explained by size, not remembered: the limit may still be raised by the config
                    }

                    wanted.Add(path);
                }
            }

            if (wanted.Count > 0)
            {
                Extract(wanted, cancellationToken);
            }

            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var path in paths)
            {
                if (_texts.TryGetValue(path, out var text) && (!_index.TryGetValue(path, out var size) || size <= MaxFileBytes))
                {
                    result[path] = text;
                }
            }

            return result;
        }
    }

    public async ValueTask<IReadOnlyDictionary<string, SkippedFile>> ExplainAbsentAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var read = await ReadFilesAsync(paths, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, SkippedFile>(StringComparer.Ordinal);
        foreach (var path in paths.Where(p => !read.ContainsKey(p)))
        {
            result[path] = _index.TryGetValue(path, out var size) && size > MaxFileBytes
                ? GitSnapshot.TooLarge(path, size, MaxFileBytes)
                : _omitted.TryGetValue(path, out var why)
                    ? why
                    : new SkippedFile(path, $"missing from the repository archive of {GitHubChangeSource.Short(Revision)} (an export-ignore in .gitattributes?) and could not be read from the API");
        }

        return result;
    }

    private void Extract(HashSet<string> wanted, CancellationToken cancellationToken)
    {
        var left = wanted.Count;
        foreach (var (path, entry) in Entries(_gzip, cancellationToken))
        {
            if (!wanted.Contains(path))
            {
                continue;
            }

            if (_readBytes + entry.Length > _maxTotalBytes)
            {
                _omitted[path] = new SkippedFile(path, $"the snapshot's budget of {_maxTotalBytes / (1024 * 1024):N0} MiB of text was spent before this file");
                _gaps[path] = _omitted[path];
            }
            else
            {
                var bytes = new byte[entry.Length];
                entry.DataStream!.ReadExactly(bytes);
                if (bytes.AsSpan(0, (int)Math.Min(bytes.Length, 8000)).Contains((byte)0))
                {
                    _omitted[path] = new SkippedFile(path, "binary file (by content)") { Kind = SkipKind.Binary };
                }
                else
                {
                    try
                    {
                        var text = StrictUtf8.GetString(bytes);
                        _texts[path] = text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
                        Interlocked.Add(ref _readBytes, bytes.Length);
                    }
                    catch (DecoderFallbackException)
                    {
                        _omitted[path] = new SkippedFile(path, "not UTF-8 text");
                    }
                }
            }

            if (--left == 0)
            {
                return; // the rest of the archive is not even decompressed
            }
        }
    }

    private static IEnumerable<(string Path, TarEntry Entry)> Entries(byte[] gzip, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(gzip, writable: false);
        using var unzip = new GZipStream(stream, CompressionMode.Decompress);
        using var tar = new TarReader(unzip);
        while (tar.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                continue;
            }

            var slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
            var path = slash >= 0 ? entry.Name[(slash + 1)..] : entry.Name;
            if (path.Length > 0)
            {
                yield return (path, entry);
            }
        }
    }
}
