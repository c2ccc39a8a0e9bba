namespace ReviewBot.GitHub.Changes;

/// <summary>Bounds of change acquisition through the API (the archive size limit is <see cref="GitHubOptions.MaxArchiveBytes"/>).</summary>
public sealed class GitHubChangeSourceOptions
{
    /// <summary>Most text kept in memory per side from an archive. Default 512 MiB.</summary>
    public long MaxSnapshotBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Timeout of one archive download. Default 5 minutes.</summary>
    public TimeSpan ArchiveTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
