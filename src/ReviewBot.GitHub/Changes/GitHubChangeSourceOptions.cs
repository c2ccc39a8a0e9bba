namespace ReviewBot.GitHub.Changes;

/// <summary>Bounds of change acquisition through the API (the archive size limit is <see cref="GitHubOptions.MaxArchiveBytes"/>).</summary>
public sealed class GitHubChangeSourceOptions
{
    /// <summary>
    /// Most file content read per side from an archive (only files the agents ask for are read). Default 128 MiB; a
    /// changed file past it is listed as not analysed.
    /// </summary>
    public long MaxSnapshotBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Timeout of one archive download. Default 5 minutes.</summary>
    public TimeSpan ArchiveTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
