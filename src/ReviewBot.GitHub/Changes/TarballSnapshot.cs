using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using ReviewBot.Core.Changes;

namespace ReviewBot.GitHub.Changes;

/// <summary>
/// Reads a GitHub tarball (<c>GET /repos/o/r/tarball/{sha}</c>: gzip, one top folder <c>owner-repo-sha/</c>)
/// into a <see cref="MemorySnapshot"/>. Text files only; files over the size limit and anything past the
/// total limit are left out and listed in <see cref="Result.Dropped"/>.
/// </summary>
internal static class TarballSnapshot
{
    public sealed record Result(MemorySnapshot Snapshot, IReadOnlyDictionary<string, string> Dropped);

    public static async Task<Result> ReadAsync(Stream gzip, string revision, int maxFileBytes, long maxTotalBytes, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var dropped = new Dictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        await using var unzip = new GZipStream(gzip, CompressionMode.Decompress, leaveOpen: true);
        await using var tar = new TarReader(unzip, leaveOpen: true);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
            {
                continue;
            }

            var slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
            var path = slash >= 0 ? entry.Name[(slash + 1)..] : entry.Name;
            if (path.Length == 0)
            {
                continue;
            }

            if (entry.Length > maxFileBytes)
            {
                dropped[path] = $"larger than limits.max_file_bytes ({entry.Length:N0} > {maxFileBytes:N0} bytes)";
                continue;
            }

            if (total + entry.Length > maxTotalBytes)
            {
                dropped[path] = $"the repository archive exceeds {maxTotalBytes / (1024 * 1024):N0} MiB of text";
                continue;
            }

            var bytes = new byte[entry.Length];
            await entry.DataStream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            if (bytes.AsSpan(0, (int)Math.Min(bytes.Length, 8000)).Contains((byte)0))
            {
                dropped[path] = "binary";
                continue;
            }

            try
            {
                var text = utf8.GetString(bytes);
                files[path] = text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
                total += entry.Length;
            }
            catch (DecoderFallbackException)
            {
                dropped[path] = "not UTF-8 text";
            }
        }

        return new Result(new MemorySnapshot(revision, files), dropped);
    }
}
