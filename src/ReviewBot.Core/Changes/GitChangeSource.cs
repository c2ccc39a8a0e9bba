namespace ReviewBot.Core.Changes;

/// <summary>
/// Change sets from a local git repository: a range of commits (as GitHub shows a pull request) or a
/// diff file. Both run git without a shell and turn every problem with the input (missing folder, not a
/// repository, unknown ref, unreadable or malformed diff) into an <see cref="InvalidInputException"/>
/// with one line that names it. <see cref="ChangeSet.PullRequest"/> is null: these are local runs.
/// </summary>
public static class GitChangeSource
{
    /// <summary>
    /// Options that make <c>git diff</c> output the same whatever the user's gitconfig says
    /// (diff.noprefix, diff.mnemonicPrefix, color.ui, diff.external, diff.relative, diff.context...).
    /// </summary>
    private static readonly string[] ConfigOverrides =
    [
        "-c", "core.quotepath=on",
        "-c", "color.ui=never",
        "-c", "color.diff=never",
        "-c", "diff.noprefix=false",
        "-c", "diff.mnemonicPrefix=false",
        "-c", "diff.suppressBlankEmpty=false",
        "-c", "diff.relative=false",
        "-c", "core.safecrlf=false",
    ];

    private static readonly string[] DiffOptions =
    [
        "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "-M", "-C", "--full-index",
        "--unified=3", "--inter-hunk-context=0", "--src-prefix=a/", "--dst-prefix=b/", "--ignore-submodules=none", "--submodule=short",
    ];

    /// <summary>
    /// The change from the merge base of <paramref name="base"/> and <paramref name="head"/> to
    /// <paramref name="head"/> — the three-dot diff GitHub shows for a pull request, so commits that
    /// landed on the base branch after the branch point are not part of the review.
    /// </summary>
    /// <param name="repo">A folder inside the repository (its top level is found with git).</param>
    /// <param name="base">The base ref, e.g. <c>main</c>, <c>origin/main</c> or a SHA.</param>
    /// <param name="head">The head ref; default <c>HEAD</c>.</param>
    /// <param name="ct">Cancels git (the process is killed).</param>
    /// <returns>The files of the diff; <see cref="ChangeSet.Base"/> is the merge base commit and
    /// <see cref="ChangeSet.Head"/> the head commit, both <see cref="GitSnapshot"/>s.</returns>
    /// <exception cref="InvalidInputException">The folder is missing or not a repository, a ref is
    /// unknown, or the two commits share no history.</exception>
    public static async Task<ChangeSet> FromRangeAsync(string repo, string @base, string? head, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(@base))
        {
            throw new InvalidInputException("the base ref is empty: name a branch, tag or commit");
        }

        head = string.IsNullOrWhiteSpace(head) ? "HEAD" : head;
        var root = await RepositoryRootAsync(repo, ct).ConfigureAwait(false)
            ?? throw new InvalidInputException($"'{repo}' is not a git repository");
        var baseSha = await ResolveCommitAsync(root, @base, "base", ct).ConfigureAwait(false);
        var headSha = await ResolveCommitAsync(root, head, "head", ct).ConfigureAwait(false);

        var mergeBase = await GitProcess.RunAsync(root, ["merge-base", baseSha, headSha], ct).ConfigureAwait(false);
        if (!mergeBase.Succeeded)
        {
            var hint = await ShallowHintAsync(root, ct).ConfigureAwait(false);
            throw new InvalidInputException(mergeBase.ExitCode == 1 && mergeBase.Error.Length == 0
                ? $"'{@base}' and '{head}' have no common history in '{repo}'{hint}"
                : $"cannot find the merge base of '{@base}' and '{head}' in '{repo}': {mergeBase.FirstErrorLine}{hint}");
        }

        var mergeBaseSha = mergeBase.Text.Trim();
        var diff = await GitProcess.RunAsync(root, [.. ConfigOverrides, .. DiffOptions, mergeBaseSha, headSha, "--"], ct).ConfigureAwait(false);
        if (!diff.Succeeded)
        {
            throw new InvalidInputException($"git diff {@base}...{head} failed in '{repo}': {diff.FirstErrorLine}");
        }

        IReadOnlyList<FileChange> files;
        try
        {
            files = UnifiedDiffParser.Parse(diff.Output);
        }
        catch (InvalidInputException e)
        {
            // git wrote it, so this is a parser bug or an unsupported git; still one clear line.
            throw new InvalidInputException($"git diff {@base}...{head} in '{repo}': {e.Message}", e);
        }

        var baseSnapshot = new GitSnapshot(root, mergeBaseSha);
        var headSnapshot = new GitSnapshot(root, headSha);
        files = await RediffTextMarkedBinaryAsync(root, files, baseSnapshot, headSnapshot, ct).ConfigureAwait(false);
        return new ChangeSet(files, baseSnapshot, headSnapshot)
        {
            PullRequest = null,
        };
    }

    /// <summary>
    /// The paths with uncommitted changes in the working tree of <paramref name="repo"/> (staged, unstaged and
    /// untracked, as <c>git status</c> lists them); empty when it is not a repository.
    /// </summary>
    public static async Task<IReadOnlyList<string>> UncommittedChangesAsync(string repo, CancellationToken ct)
    {
        var root = await RepositoryRootAsync(repo, ct).ConfigureAwait(false);
        if (root is null)
        {
            return [];
        }

        var status = await GitProcess.RunAsync(root, ["status", "--porcelain=v1", "-z", "--untracked-files=normal"], ct).ConfigureAwait(false);
        if (!status.Succeeded)
        {
            return [];
        }

        // -z: "XY path\0" entries; a rename adds its source path as one more entry, which is skipped.
        var entries = status.Text.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var paths = new List<string>();
        for (var i = 0; i < entries.Length; i++)
        {
            if (entries[i].Length > 3)
            {
                paths.Add(entries[i][3..]);
                if (entries[i][0] is 'R' or 'C')
                {
                    i++;
                }
            }
        }

        return paths;
    }

    /// <summary>
    /// Binary is decided by content, not by attributes: a pull request can add a <c>.gitattributes</c> with
    /// <c>* -diff</c> or <c>binary</c>, and git then prints "Binary files differ" for every file. Files git called
    /// binary whose blobs hold no NUL byte are diffed again with <c>--text</c>, which overrides the attributes.
    /// </summary>
    private static async Task<IReadOnlyList<FileChange>> RediffTextMarkedBinaryAsync(
        string root, IReadOnlyList<FileChange> files, GitSnapshot baseSnapshot, GitSnapshot headSnapshot, CancellationToken ct)
    {
        var marked = files.Where(f => f.IsBinary).ToList();
        if (marked.Count == 0)
        {
            return files;
        }

        // Decide on the head blob (the base blob for a deletion), within the snapshots' size limit: a file over it is
        // "too large" (not analysed, never "binary"), so a committed multi-gigabyte blob is never read whole.
        var headAbsent = await headSnapshot.ExplainAbsentAsync(marked.Where(f => f.Kind != ChangeKind.Deleted).Select(f => f.Path).ToList(), ct).ConfigureAwait(false);
        var baseAbsent = await baseSnapshot.ExplainAbsentAsync(marked.Where(f => f.Kind == ChangeKind.Deleted).Select(f => f.Path).ToList(), ct).ConfigureAwait(false);

        var text = marked.Where(f => !(f.Kind == ChangeKind.Deleted ? baseAbsent : headAbsent).ContainsKey(f.Path)).ToList();
        if (text.Count == 0)
        {
            return files;
        }

        var pathspecs = text.SelectMany(f => f.OldPath is null ? [f.Path] : new[] { f.OldPath, f.Path }).Distinct(StringComparer.Ordinal).Select(p => ":(literal)" + p);
        var diff = await GitProcess.RunAsync(root, [.. ConfigOverrides, .. DiffOptions, "--text", baseSnapshot.Revision, headSnapshot.Revision, "--", .. pathspecs], ct).ConfigureAwait(false);
        if (!diff.Succeeded)
        {
            return files; // the files stay "binary" by the diff and the content check lists them as not analysed
        }

        var redone = UnifiedDiffParser.Parse(diff.Output).Where(f => !f.IsBinary).ToDictionary(f => f.Path, StringComparer.Ordinal);
        return files.Select(f => f.IsBinary && redone.TryGetValue(f.Path, out var textual) ? textual : f).ToList();
    }

    /// <summary>
    /// The change described by a unified diff file (for example <c>git diff &gt; change.diff</c>).
    /// </summary>
    /// <remarks>
    /// A diff file carries no snapshots of its own, so they come from <paramref name="repo"/>:
    /// the head is the working tree on disk (the diff is taken as already applied there, as after
    /// editing and running <c>git diff</c>), and the base is the repository's <c>HEAD</c> commit. When
    /// <paramref name="repo"/> is not a git repository (or has no commit yet) the base is the working
    /// tree too, so base-versus-head comparisons see no difference outside the diff itself.
    /// </remarks>
    /// <param name="repo">The folder the diff's paths are relative to.</param>
    /// <param name="diffFile">The diff file to parse.</param>
    /// <param name="ct">Cancels git and file reads.</param>
    /// <exception cref="InvalidInputException">The folder or file is missing or unreadable, or the file is not a diff.</exception>
    public static async Task<ChangeSet> FromDiffFileAsync(string repo, string diffFile, CancellationToken ct)
    {
        if (!Directory.Exists(repo))
        {
            throw new InvalidInputException($"repository path '{repo}' does not exist");
        }

        if (!File.Exists(diffFile))
        {
            throw new InvalidInputException(Directory.Exists(diffFile)
                ? $"diff file '{diffFile}' is a folder, not a file"
                : $"diff file '{diffFile}' does not exist");
        }

        byte[] bytes;
        try
        {
            var length = new FileInfo(diffFile).Length;
            if (length > GitProcess.MaxOutputBytes)
            {
                throw new InvalidInputException($"diff file '{diffFile}' is {length >> 20} MiB; the limit is {GitProcess.MaxOutputBytes >> 20} MiB");
            }

            bytes = await File.ReadAllBytesAsync(diffFile, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"cannot read diff file '{diffFile}': {e.Message}", e);
        }

        // git never writes a NUL byte into a diff (it says "Binary files differ" instead): a file with one is not
        // a diff, even when a diff happens to be embedded in it (an archive, a compiled file, a UTF-16 export).
        var nul = Array.IndexOf(bytes, (byte)0);
        if (nul >= 0)
        {
            throw new InvalidInputException($"diff file '{diffFile}' is not text (a NUL byte at offset {nul}): give the output of git diff, e.g. git diff > change.diff");
        }

        IReadOnlyList<FileChange> files;
        try
        {
            files = UnifiedDiffParser.Parse(bytes);
        }
        catch (InvalidInputException e)
        {
            throw new InvalidInputException($"{diffFile}: {e.Message}", e);
        }

        var root = await RepositoryRootAsync(repo, ct).ConfigureAwait(false);
        ISnapshot head = new WorkingTreeSnapshot(root ?? repo, isGitRepository: root is not null);
        ISnapshot @base = head;
        if (root is not null)
        {
            var commit = await GitProcess.RunAsync(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], ct).ConfigureAwait(false);
            if (commit.Succeeded)
            {
                @base = new GitSnapshot(root, commit.Text.Trim());
            }
        }

        await VerifyBlobIdsAsync(diffFile, files, root ?? repo, @base as GitSnapshot, ct).ConfigureAwait(false);
        return new ChangeSet(files, @base, head)
        {
            PullRequest = null,
        };
    }

    /// <summary>
    /// A diff file is only trusted where its <c>index</c> lines agree with the files read: the post-image blob must be
    /// the file on disk (the diff is applied there) and the pre-image blob the file at <c>HEAD</c> (when the folder is a
    /// repository). Anything else — a branch diff against a folder on another commit, a folder that lacks the files —
    /// would review text the diff never described, so it is refused naming the first file that disagrees.
    /// </summary>
    private static async Task VerifyBlobIdsAsync(string diffFile, IReadOnlyList<FileChange> files, string folder, GitSnapshot? @base, CancellationToken ct)
    {
        foreach (var file in files)
        {
            if (file.HeadBlob is { } post)
            {
                var full = Path.Combine(folder, file.Path);
                var actual = File.Exists(full) ? await BlobIdOfFileAsync(full, ct).ConfigureAwait(false) : null;
                if (!SameBlob(post, actual))
                {
                    throw new InvalidInputException(
                        $"{diffFile}: {file.Path}: the diff's post-image blob {post} does not match {(actual is null ? "a missing file" : $"the file on disk (blob {actual[..Math.Min(actual.Length, post.Length)]})")} in '{folder}'; apply the diff there, or review a git range with --base");
                }
            }

            if (file.BaseBlob is { } pre && @base is not null)
            {
                var actual = await @base.BlobIdAsync(file.BasePath, ct).ConfigureAwait(false);
                if (!SameBlob(pre, actual))
                {
                    throw new InvalidInputException(
                        $"{diffFile}: {file.BasePath}: the diff's pre-image blob {pre} does not match {(actual is null ? "a file absent" : $"blob {actual[..Math.Min(actual.Length, pre.Length)]}")} at HEAD ({@base.Revision[..Math.Min(7, @base.Revision.Length)]}) in '{folder}'; the diff was not made from this commit (review a git range with --base instead)");
                }
            }
        }
    }

    /// <summary>An all-zero id means "no file"; otherwise the (possibly abbreviated) id must prefix the actual one.</summary>
    private static bool SameBlob(string expected, string? actual) =>
        expected.All(c => c == '0') ? actual is null : actual is not null && actual.StartsWith(expected, StringComparison.Ordinal);

    /// <summary>git's blob id of a file's bytes: SHA-1 over "blob &lt;size&gt;", a NUL byte and the content (no filters applied).</summary>
    private static async Task<string> BlobIdOfFileAsync(string path, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false);
        var header = System.Text.Encoding.ASCII.GetBytes($"blob {bytes.Length}\0");
#pragma warning disable CA5350 // git names objects by SHA-1; this computes that name, it protects nothing.
        using var sha1 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA1);
#pragma warning restore CA5350
        sha1.AppendData(header);
        sha1.AppendData(bytes);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    /// <summary>The top level of the repository containing <paramref name="repo"/>, or null when it is not in one.</summary>
    private static async Task<string?> RepositoryRootAsync(string repo, CancellationToken ct)
    {
        if (!Directory.Exists(repo))
        {
            throw new InvalidInputException(File.Exists(repo)
                ? $"repository path '{repo}' is a file, not a folder"
                : $"repository path '{repo}' does not exist");
        }

        var result = await GitProcess.RunAsync(Path.GetFullPath(repo), ["rev-parse", "--show-toplevel"], ct).ConfigureAwait(false);
        if (result.Succeeded)
        {
            var top = result.Text.Trim();
            return top.Length > 0 ? Path.GetFullPath(top) : null;
        }

        // A bare repository (a mirror, a CI cache) has no work tree but every commit a range review reads.
        if (result.Error.Contains("must be run in a work tree", StringComparison.OrdinalIgnoreCase))
        {
            var bare = await GitProcess.RunAsync(Path.GetFullPath(repo), ["rev-parse", "--absolute-git-dir"], ct).ConfigureAwait(false);
            if (bare.Succeeded && bare.Text.Trim() is { Length: > 0 } gitDir)
            {
                return Path.GetFullPath(gitDir);
            }
        }

        // "dubious ownership" and similar are worth saying as they are; "not a git repository" is the common case.
        return result.Error.Contains("not a git repository", StringComparison.OrdinalIgnoreCase)
            ? null
            : throw new InvalidInputException($"'{repo}': {result.FirstErrorLine}");
    }

    private static async Task<string> ResolveCommitAsync(string root, string reference, string role, CancellationToken ct)
    {
        if (reference.StartsWith('-') || reference.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"unknown {role} ref '{reference}'");
        }

        var result = await GitProcess.RunAsync(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", reference + "^{commit}"], ct).ConfigureAwait(false);
        var sha = result.Text.Trim();
        if (result.Succeeded && sha.Length > 0)
        {
            return sha;
        }

        var hint = await ShallowHintAsync(root, ct).ConfigureAwait(false);
        throw new InvalidInputException($"unknown {role} ref '{reference}' (no such commit in '{root}'){hint}");
    }

    /// <summary>CI checkouts are often shallow (actions/checkout fetches one commit): say so, it is the usual cause.</summary>
    private static async Task<string> ShallowHintAsync(string root, CancellationToken ct)
    {
        var result = await GitProcess.RunAsync(root, ["rev-parse", "--is-shallow-repository"], ct).ConfigureAwait(false);
        return result.Succeeded && result.Text.Trim() == "true"
            ? "; the clone is shallow: fetch the history of both refs (for actions/checkout, fetch-depth: 0)"
            : "";
    }
}
