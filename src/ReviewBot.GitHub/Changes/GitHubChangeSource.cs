using System.Net;
using Octokit;
using ReviewBot.Core;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.GitHub.Http;

namespace ReviewBot.GitHub.Changes;

/// <summary>
/// Acquires a pull request's change set: metadata, changed files and hunks from the paginated files API
/// (never the diff media type, which fails above 300 files), and the repository at base and head from
/// the workspace checkout when it has both commits, else one archive download per side.
/// </summary>
public sealed class GitHubChangeSource(GitHubApi api, GitHubChangeSourceOptions? options = null)
{
    /// <summary>GitHub lists at most this many files of a pull request.</summary>
    public const int GitHubFileListLimit = 3_000;

    private readonly GitHubChangeSourceOptions _options = options ?? new GitHubChangeSourceOptions();
    private readonly Dictionary<string, int> _individualReads = new(StringComparer.Ordinal);

    /// <summary>Where the sources came from on the last <see cref="AcquireAsync"/>: <c>workspace</c> or <c>api</c>.</summary>
    public string? ContentSource { get; private set; }

    public async Task<GitHubPullRequest> GetPullRequestAsync(RepositoryId repository, int number, CancellationToken cancellationToken)
    {
        PullRequest pr;
        try
        {
            pr = await api.CallAsync(c => c.PullRequest.Get(repository.Owner, repository.Name, number), cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException e)
        {
            throw new InvalidInputException($"pull request #{number} was not found in {repository} (or the token cannot read it).", e);
        }

        var info = new PullRequestInfo(pr.Number, pr.Title ?? "", pr.User?.Login ?? "", pr.Head.Sha, pr.Base.Sha)
        {
            Body = pr.Body,
            IsDraft = pr.Draft,
            HtmlUrl = pr.HtmlUrl,
        };
        return new GitHubPullRequest(repository, info)
        {
            IsOpen = pr.State.StringValue == "open",
            ChangedFiles = pr.ChangedFiles,
            RepositoryHtmlUrl = GitHubPullRequest.RepositoryUrl(repository, pr.Base.Repository?.HtmlUrl, pr.HtmlUrl),
            IsFromFork = GitHubPullRequest.IsFork(pr.Head.Repository?.FullName, pr.Base.Repository?.FullName),
            BaseRef = pr.Base.Ref ?? "",
        };
    }

    /// <summary>
    /// The config at the base SHA, so a pull request cannot switch its own review off: from the workspace
    /// checkout when it has the commit, else the contents API. A missing file means the defaults.
    /// </summary>
    public async Task<ReviewConfig> ReadBaseConfigAsync(
        RepositoryId repository, string baseSha, string configPath, string? workspace, CancellationToken cancellationToken)
    {
        var path = configPath.Replace('\\', '/').TrimStart('/');
        var source = $"{path}@{Short(baseSha)}";
        if (workspace is not null)
        {
            // UTF-8 takes at most 4 bytes a character: anything longer is refused by the loader's own limit anyway.
            var (hasCommit, content) = await new WorkspaceGit(workspace).ReadFileAtAsync(baseSha, path, 4 * ConfigLoader.MaxBytes, cancellationToken).ConfigureAwait(false);
            if (hasCommit)
            {
                return content is null ? ReviewConfig.Default
                    : GitSnapshot.DecodeText(content) is { } text ? ConfigLoader.Parse(text, source)
                    : throw new InvalidInputException($"{source}: a binary file, not YAML.");
            }
        }

        try
        {
            // JSON (base64) rather than the raw media type: Octokit only hands back raw bodies for some content types.
            var contents = await api.CallAsync(c => c.Repository.Content.GetAllContentsByRef(repository.Owner, repository.Name, path, baseSha), cancellationToken)
                .ConfigureAwait(false);
            var file = contents.FirstOrDefault(c => c.Type.StringValue == "file");
            if (file is null)
            {
                throw new InvalidInputException($"{source}: not a file.");
            }

            return ConfigLoader.Parse((file.Content ?? "").TrimStart('\uFEFF'), source);
        }
        catch (NotFoundException)
        {
            return ReviewConfig.Default;
        }
    }

    /// <summary>The change set of <paramref name="pullRequest"/> under <paramref name="config"/>'s paths and limits.</summary>
    public async Task<ChangeSet> AcquireAsync(GitHubPullRequest pullRequest, ReviewConfig config, string? workspace, CancellationToken cancellationToken)
    {
        var repo = pullRequest.Repository;
        var info = pullRequest.Info;
        var listed = await ListFilesAsync(pullRequest, cancellationToken).ConfigureAwait(false);

        var files = new List<FileChange>();
        var skipped = new List<SkippedFile>();
        var candidates = new List<PullRequestFile>();
        foreach (var file in listed)
        {
            if (!config.Paths.Matches(file.FileName))
            {
                skipped.Add(new SkippedFile(file.FileName, "outside the configured paths") { Kind = SkipKind.Excluded });
                continue;
            }

            if (file.Patch is null)
            {
                skipped.Add(NoPatch(file));
                continue;
            }

            candidates.Add(file);
        }

        // Clipping keeps code, data definitions and configuration before prose (see ChangeScope).
        var kept = candidates.OrderBy(f => FileKinds.IsProse(f.FileName) ? 1 : 0).Take(config.Limits.MaxFiles).ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var file in candidates)
        {
            if (!kept.Contains(file))
            {
                skipped.Add(new SkippedFile(file.FileName, $"clipped: limits.max_files is {config.Limits.MaxFiles:N0} and this pull request changes more reviewable files"));
                continue;
            }

            var kind = Kind(file.Status);
            files.Add(new FileChange(file.FileName, kind, UnifiedDiffParser.ParseHunks(file.Patch))
            {
                OldPath = kind is ChangeKind.Renamed or ChangeKind.Copied ? file.PreviousFileName : null,
            });
        }

        if (pullRequest.ChangedFiles > listed.Count)
        {
            var missing = pullRequest.ChangedFiles - listed.Count;
            skipped.Add(new SkippedFile(
                $"({missing:N0} more files)",
                $"GitHub lists at most {GitHubFileListLimit:N0} files of a pull request; {missing:N0} further changed files were not listed and not reviewed"));
        }

        var (baseSnapshot, headSnapshot) = await SnapshotsAsync(pullRequest, config, workspace, files, skipped, cancellationToken).ConfigureAwait(false);
        return new ChangeSet(files, baseSnapshot, headSnapshot)
        {
            PullRequest = info,
            Skipped = skipped,
            BlobUrlPrefix = $"{pullRequest.RepositoryHtmlUrl}/blob/{info.HeadSha}/",
        };
    }

    /// <summary>
    /// The files API's list, checked against the pull request's <c>changed_files</c>: a list shorter than GitHub's
    /// own count (when that count is within its 3,000-file cap) is an incomplete answer (an empty or cut body), not a smaller change.
    /// It is asked once more; still short, the run fails rather than pass a change it never saw.
    /// </summary>
    private async Task<IReadOnlyList<PullRequestFile>> ListFilesAsync(GitHubPullRequest pullRequest, CancellationToken cancellationToken)
    {
        var repo = pullRequest.Repository;
        var expected = pullRequest.ChangedFiles <= GitHubFileListLimit ? pullRequest.ChangedFiles : 0;
        IReadOnlyList<PullRequestFile> listed = [];
        for (var attempt = 0; attempt < 2; attempt++)
        {
            listed = await api.CallAsync(
                c => c.PullRequest.Files(repo.Owner, repo.Name, pullRequest.Info.Number, new ApiOptions { PageSize = 100 }),
                cancellationToken).ConfigureAwait(false);
            if (listed.Count >= expected)
            {
                return listed;
            }
        }

        throw new HttpRequestException(
            $"GitHub listed {listed.Count:N0} of the {pullRequest.ChangedFiles:N0} files pull request #{pullRequest.Info.Number} changes (asked twice); an incomplete list cannot be reviewed.");
    }

    private async Task<(ISnapshot Base, ISnapshot Head)> SnapshotsAsync(
        GitHubPullRequest pullRequest, ReviewConfig config, string? workspace, List<FileChange> files, List<SkippedFile> skipped, CancellationToken cancellationToken)
    {
        var info = pullRequest.Info;
        if (workspace is not null)
        {
            var git = new WorkspaceGit(workspace);
            if (await git.HasCommitAsync(info.HeadSha, cancellationToken).ConfigureAwait(false)
                && await git.HasCommitAsync(info.BaseSha, cancellationToken).ConfigureAwait(false))
            {
                // The files API diffs from the merge base, as the PR page does; read the base side there too.
                var mergeBase = await git.MergeBaseAsync(info.BaseSha, info.HeadSha, cancellationToken).ConfigureAwait(false) ?? info.BaseSha;
                ContentSource = "workspace";
                return (new GitSnapshot(workspace, mergeBase), new GitSnapshot(workspace, info.HeadSha));
            }
        }

        ContentSource = "api";
        if (files.Count == 0 && !skipped.Any(s => s.Kind == SkipKind.Binary))
        {
            // Nothing to read. (Files GitHub calls binary are still checked against the archive below: a
            // `* -diff` .gitattributes leaves every file without a patch, and so without a listed change.)
            return (MemorySnapshot.Empty(info.BaseSha), MemorySnapshot.Empty(info.HeadSha));
        }

        var baseSide = await ArchiveAsync(pullRequest.Repository, info.BaseSha, config, cancellationToken).ConfigureAwait(false);
        var headSide = await ArchiveAsync(pullRequest.Repository, info.HeadSha, config, cancellationToken).ConfigureAwait(false);

        // export-ignore in .gitattributes hides files from archives: compare the PR's files with what the archives hold
        // and read what is missing one by one from the contents API.
        await FetchMissingAsync(pullRequest.Repository, headSide, files.Where(f => f.Kind != ChangeKind.Deleted).Select(f => f.Path), config, cancellationToken).ConfigureAwait(false);
        await FetchMissingAsync(pullRequest.Repository, baseSide, files.Where(f => f.Kind is not (ChangeKind.Added or ChangeKind.Copied)).Select(f => f.BasePath), config, cancellationToken).ConfigureAwait(false);

        // Unchanged files an export-ignore hides are found (the commit's tree against the archive) and read one by one
        // when the review asks for them, within what is left of the same budget.
        Connect(pullRequest.Repository, headSide);
        Connect(pullRequest.Repository, baseSide);

        // GitHub's "binary" (no patch) is checked against the content, in one pass over the archive: a text file it
        // sent no diff for is not analysed.
        var claimedBinary = skipped.Where(s => s.Kind == SkipKind.Binary && headSide.Contains(s.File)).Select(s => s.File).ToList();
        var reallyBinary = claimedBinary.Count == 0 ? new Dictionary<string, SkippedFile>() : await headSide.ExplainAbsentAsync(claimedBinary, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < skipped.Count; i++)
        {
            if (skipped[i].Kind == SkipKind.Binary && headSide.Contains(skipped[i].File) && !reallyBinary.ContainsKey(skipped[i].File))
            {
                skipped[i] = new SkippedFile(skipped[i].File, "GitHub sent no diff for this text file (a .gitattributes `-diff`/`binary` setting?), so its change could not be read");
            }
        }

        // A changed file whose head text could not be kept is not reviewed: say so rather than review half of it.
        var heads = files.Where(f => f.Kind != ChangeKind.Deleted).Select(f => f.Path).ToList();
        var unreadable = await headSide.ExplainAbsentAsync(heads, cancellationToken).ConfigureAwait(false);
        var kept = new List<FileChange>();
        foreach (var file in files)
        {
            if (file.Kind != ChangeKind.Deleted && unreadable.TryGetValue(file.Path, out var why) && why.Kind != SkipKind.Binary)
            {
                skipped.Add(why);
                continue;
            }

            kept.Add(file);
        }

        files.Clear();
        files.AddRange(kept);
        return (baseSide, headSide);
    }

    /// <summary>Most files read one by one (contents API) per side when the archive lacks them; the rest are listed as not analysed.</summary>
    internal const int MaxIndividualReads = 100;

    private async Task FetchMissingAsync(RepositoryId repo, TarballSnapshot side, IEnumerable<string> paths, ReviewConfig config, CancellationToken cancellationToken)
    {
        var missing = paths.Where(p => !side.Contains(p)).Distinct(StringComparer.Ordinal).ToList();
        _individualReads[side.Revision] = Math.Min(missing.Count, MaxIndividualReads);
        foreach (var path in missing.Take(MaxIndividualReads))
        {
            try
            {
                var contents = await api.CallAsync(c => c.Repository.Content.GetAllContentsByRef(repo.Owner, repo.Name, path, side.Revision), cancellationToken)
                    .ConfigureAwait(false);
                var file = contents.FirstOrDefault(c => c.Type.StringValue == "file");
                if (file is null)
                {
                    continue;
                }

                if (file.Size > config.Limits.MaxFileBytes)
                {
                    side.AddOmitted(GitSnapshot.TooLarge(path, file.Size, config.Limits.MaxFileBytes));
                }
                else if (file.Content is { } text)
                {
                    side.AddFetched(path, text.TrimStart('\uFEFF'));
                }
            }
            catch (NotFoundException)
            {
                // Truly absent at this revision; ExplainAbsentAsync says so.
            }
        }

        foreach (var path in missing.Skip(MaxIndividualReads))
        {
            side.AddOmitted(new SkippedFile(path, $"missing from the repository archive of {Short(side.Revision)} (export-ignore?) and over the {MaxIndividualReads} files read one by one"));
        }
    }

    private void Connect(RepositoryId repo, TarballSnapshot side)
    {
        var used = _individualReads.TryGetValue(side.Revision, out var n) ? n : 0;
        side.ConnectApi(
            async ct =>
            {
                TreeResponse tree;
                IReadOnlyDictionary<string, long>? none = null;
                try
                {
                    tree = await api.CallAsync(c => c.Git.Tree.GetRecursive(repo.Owner, repo.Name, side.Revision), ct).ConfigureAwait(false);
                }
                catch (ApiException)
                {
                    return none; // the tree cannot be listed: the archive is all we have, as before
                }

                if (tree.Truncated)
                {
                    return none; // over GitHub's tree limit: hidden files cannot be told apart (the archive is then all we have)
                }

                IReadOnlyDictionary<string, long> files = tree.Tree
                    .Where(t => t.Type.StringValue == "blob" && t.Mode is "100644" or "100755")
                    .ToDictionary(t => t.Path, t => (long)t.Size, StringComparer.Ordinal);
                return files;
            },
            async (path, ct) =>
            {
                try
                {
                    var contents = await api.CallAsync(c => c.Repository.Content.GetAllContentsByRef(repo.Owner, repo.Name, path, side.Revision), ct).ConfigureAwait(false);
                    return contents.FirstOrDefault(c => c.Type.StringValue == "file")?.Content?.TrimStart('\uFEFF');
                }
                catch (NotFoundException)
                {
                    return null;
                }
            },
            Math.Max(0, MaxIndividualReads - used));
    }

    private async Task<TarballSnapshot> ArchiveAsync(RepositoryId repo, string sha, ReviewConfig config, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await api.CallAsync(
                c => c.Repository.Content.GetArchive(repo.Owner, repo.Name, ArchiveFormat.Tarball, sha, _options.ArchiveTimeout),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (FindTooLarge(e) is { } tooLarge)
        {
            throw new InvalidInputException(
                $"{repo}@{Short(sha)}: {tooLarge.Message}; check out the repository (actions/checkout with fetch-depth: 0) so ReviewBot reads it locally.", e);
        }

        return await TarballSnapshot.OpenAsync(bytes, sha, config.Limits.MaxFileBytes, _options.MaxSnapshotBytes, cancellationToken).ConfigureAwait(false);
    }

    private static ResponseTooLargeException? FindTooLarge(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is ResponseTooLargeException tooLarge)
            {
                return tooLarge;
            }
        }

        return null;
    }

    private static ChangeKind Kind(string status) => status switch
    {
        "added" => ChangeKind.Added,
        "removed" => ChangeKind.Deleted,
        "renamed" => ChangeKind.Renamed,
        "copied" => ChangeKind.Copied,
        _ => ChangeKind.Modified, // "modified", "changed" (mode or type only), "unchanged"
    };

    /// <summary>
    /// A listed file without a patch. Only a diff too large for the API is a text file left unread; GitHub's own
    /// "binary" call (no patch, no changed lines) is checked against the content once the snapshots are read.
    /// </summary>
    private static SkippedFile NoPatch(PullRequestFile file) =>
        file.Changes > 0
            ? new SkippedFile(file.FileName, $"diff too large for the GitHub API ({file.Changes:N0} changed lines); not reviewed")
            : file.Status is "renamed" or "copied" or "changed"
                ? new SkippedFile(file.FileName, "no textual change (renamed, copied or mode change only)") { Kind = SkipKind.NoContentChange }
                : new SkippedFile(file.FileName, "binary file") { Kind = SkipKind.Binary };

    internal static string Short(string sha) => sha.Length > 7 ? sha[..7] : sha;
}
