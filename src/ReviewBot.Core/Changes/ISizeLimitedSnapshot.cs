namespace ReviewBot.Core.Changes;

/// <summary>
/// A snapshot that reads files lazily and can leave out files over a size limit before reading them. The pipeline
/// sets <see cref="MaxFileBytes"/> from <c>limits.max_file_bytes</c> once the config is known, so every source
/// (git, working tree, archive) honours the one configured limit.
/// </summary>
public interface ISizeLimitedSnapshot
{
    /// <summary>Files larger than this many bytes are absent from <see cref="ISnapshot.ReadFilesAsync"/>.</summary>
    int MaxFileBytes { get; set; }
}
