using System.CommandLine;
using ReviewBot.Cli.Output;
using ReviewBot.Core;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Llm;
using ReviewBot.Pipeline;

namespace ReviewBot.Cli.Review;

/// <summary><c>reviewbot review</c>: review a local git range, a diff file, or the embedded sample.</summary>
internal static class ReviewCommand
{
    private static readonly Option<DirectoryInfo> Repo = new("--repo")
    {
        Description = "The repository to review (a git working copy). Default: the current folder.",
        DefaultValueFactory = _ => new DirectoryInfo("."),
    };

    private static readonly Option<string> Base = new("--base")
    {
        Description = "The base ref (branch, tag or SHA) the change goes into, e.g. origin/main. The diff starts at the merge base of --base and --head, as GitHub shows a pull request.",
    };

    private static readonly Option<string> Head = new("--head")
    {
        Description = "The head ref of the change. Default: HEAD.",
    };

    private static readonly Option<FileInfo> Diff = new("--diff")
    {
        Description = "Review this unified diff file (git diff output) instead of a git range; file contents are read from --repo.",
    };

    private static readonly Option<FileInfo> Config = new("--config")
    {
        Description = "The config file. Default: .github/reviewbot.yml as of the base revision (so a change cannot relax its own review).",
    };

    private static readonly Option<string> Format = CreateFormatOption();

    private static readonly Option<FileInfo> Output = new("--output")
    {
        Description = "Write the report to this file instead of standard output.",
    };

    private static readonly Option<bool> Sample = new("--sample")
    {
        Description = "Review the sample dbt + Dagster project embedded in ReviewBot (no repository, credentials or network needed).",
    };

    public static Command Create(Func<IReadOnlyDictionary<string, string?>> environment)
    {
        var command = new Command("review", "Review a change: a git range, a diff file or the embedded sample. Exit code 0: passed; 1: blocking findings or not fully reviewed; 2: bad usage or input.")
        {
            Repo, Base, Head, Diff, Config, Format, Output, Sample,
        };
        command.SetAction((result, ct) => RunAsync(result, environment(), ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, IReadOnlyDictionary<string, string?> environment, CancellationToken ct)
    {
        // Before the review: a report that cannot be written is known now, not after every agent ran.
        var output = result.GetValue(Output);
        var createdOutput = output is not null && PrepareOutput(output);
        try
        {
            var change = await AcquireAsync(result, ct).ConfigureAwait(false);
            var notes = await NotesAsync(result, change, ct).ConfigureAwait(false);
            var config = await LoadConfigAsync(result.GetValue(Config), change, result.GetValue(Diff) is not null, ct).ConfigureAwait(false);
            var model = LanguageModelFactory.Create(config.Llm, environment);

            var pipeline = new ReviewPipeline(TimeProvider.System, model) { LlmUnavailable = model is null ? LanguageModelFactory.MissingSettings(config.Llm, environment) : null };
            var report = await pipeline.RunAsync(change, config, new ConsoleObserver(Console.Error), ct).ConfigureAwait(false);

            var format = ReportFormats.Resolve(result.GetValue(Format), output is not null, Console.IsOutputRedirected);
            var text = ReportFormats.Render(report, format, notes);
            if (format != ReportFormat.Text)
            {
                // The notes are not part of a machine-readable report; they still reach the person running it.
                foreach (var note in notes)
                {
                    await Console.Error.WriteLineAsync($"reviewbot: note: {note}").ConfigureAwait(false);
                }
            }

            if (output is null)
            {
                await Console.Out.WriteLineAsync(text.AsMemory(), ct).ConfigureAwait(false);
            }
            else
            {
                await WriteFileAsync(output, text, ct).ConfigureAwait(false);
                createdOutput = false;
                var verdict = report.Coverage.FilesChanged == 0 ? "nothing to review (no changed files)" : report.Title;
                await Console.Error.WriteLineAsync($"{report.Conclusion.ToString().ToLowerInvariant()}: {verdict} (report written to {output.FullName})").ConfigureAwait(false);
            }

            return report.Conclusion == Core.Reports.Conclusion.Success ? ExitCodes.Passed : ExitCodes.Failed;
        }
        finally
        {
            if (createdOutput)
            {
                // The empty file made to prove the path writable; the review did not get to fill it.
                output!.Delete();
            }
        }
    }

    private static Option<string> CreateFormatOption()
    {
        var option = new Option<string>("--format")
        {
            Description = "Output format: text (readable; the default on a terminal), markdown (the PR comment; the default when the output is redirected or --output is given), json (the schema-1 report) or sarif (SARIF 2.1.0 for code scanning).",
        };
        option.AcceptOnlyFromAmong("text", "markdown", "json", "sarif");
        return option;
    }

    /// <summary>
    /// What the person running the review should know beyond the report: an empty change is not a pass of
    /// anything, and a range review does not see the working tree's uncommitted edits.
    /// </summary>
    private static async Task<List<string>> NotesAsync(ParseResult result, ChangeSet change, CancellationToken ct)
    {
        var notes = new List<string>();
        var @base = result.GetValue(Base);
        var head = result.GetValue(Head);
        if (change.Files.Count == 0 && change.Skipped.Count == 0)
        {
            notes.Add(@base is not null
                ? $"the range {@base}...{head ?? "HEAD"} has no changed files: nothing was reviewed"
                : "the change has no changed files: nothing was reviewed");
        }

        if (@base is not null && head is null)
        {
            var uncommitted = await GitChangeSource.UncommittedChangesAsync(result.GetValue(Repo)!.FullName, ct).ConfigureAwait(false);
            if (uncommitted.Count > 0)
            {
                var some = string.Join(", ", uncommitted.Take(3)) + (uncommitted.Count > 3 ? $" and {uncommitted.Count - 3} more" : "");
                notes.Add($"{uncommitted.Count} uncommitted change(s) in the working tree ({some}) are not part of a range review, which reads commits: commit them, or review them with --diff <(git diff HEAD)");
            }
        }

        return notes;
    }

    private static async Task<ChangeSet> AcquireAsync(ParseResult result, CancellationToken ct)
    {
        var repo = result.GetValue(Repo)!;
        var @base = result.GetValue(Base);
        var diff = result.GetValue(Diff);
        if (result.GetValue(Sample))
        {
            if (@base is not null || diff is not null || result.GetResult(Repo) is { Implicit: false })
            {
                throw new InvalidInputException("--sample reviews the embedded sample; it cannot be combined with --repo, --base or --diff.");
            }

            return EmbeddedSample.Load();
        }

        if (!repo.Exists)
        {
            throw new InvalidInputException(File.Exists(repo.FullName)
                ? $"--repo: '{repo.FullName}' is a file; give the folder of the repository (a git working copy)."
                : $"--repo: the folder '{repo.FullName}' does not exist.");
        }

        if (diff is not null)
        {
            if (@base is not null)
            {
                throw new InvalidInputException("--diff and --base are alternatives: give one of them.");
            }

            return await GitChangeSource.FromDiffFileAsync(repo.FullName, diff.FullName, ct).ConfigureAwait(false);
        }

        if (@base is null)
        {
            throw new InvalidInputException("Nothing to review: give --base REF (and optionally --head REF), or --diff FILE, or --sample.");
        }

        return await GitChangeSource.FromRangeAsync(repo.FullName, @base, result.GetValue(Head), ct).ConfigureAwait(false);
    }

    private static async Task<ReviewConfig> LoadConfigAsync(FileInfo? file, ChangeSet change, bool diffMode, CancellationToken ct)
    {
        if (file is not null)
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidInputException($"--config: cannot read '{file.FullName}': {e.Message}", e);
            }

            return ConfigLoader.Parse(text, file.FullName);
        }

        // A diff file with no base commit: its base is the folder itself, after the change. The config is read as it was
        // before the diff (the diff reversed on it), so the change cannot switch its own review off.
        if (diffMode && change.Base is not GitSnapshot && change.Files.FirstOrDefault(f => f.Path == ConfigLoader.DefaultPath) is { } touched)
        {
            if (touched.Kind == ChangeKind.Added)
            {
                return ReviewConfig.Default;
            }

            var after = await change.Head.ReadFilesAsync([ConfigLoader.DefaultPath], ct).ConfigureAwait(false);
            var before = after.TryGetValue(ConfigLoader.DefaultPath, out var text) ? PreImage.Rebuild(text, touched) : null;
            return before is null
                ? throw new InvalidInputException($"--diff changes {ConfigLoader.DefaultPath}, and its state before the change cannot be rebuilt from the folder; pass the config with --config")
                : ConfigLoader.Parse(before, $"{ConfigLoader.DefaultPath} (before the diff)");
        }

        var fromBase = await change.Base.ReadFilesAsync([ConfigLoader.DefaultPath], ct).ConfigureAwait(false);
        return fromBase.TryGetValue(ConfigLoader.DefaultPath, out var yaml)
            ? ConfigLoader.Parse(yaml, $"{ConfigLoader.DefaultPath} (at {change.Base.Revision})")
            : ReviewConfig.Default;
    }

    /// <summary>
    /// Proves <paramref name="output"/> writable before the review runs: not a folder, its folder creatable, the
    /// file creatable. Returns whether it created the file (removed again if the review does not write it).
    /// </summary>
    private static bool PrepareOutput(FileInfo output)
    {
        if (Directory.Exists(output.FullName))
        {
            throw new InvalidInputException($"--output: '{output.FullName}' is a folder; give the path of the report file, e.g. {Path.Combine(output.FullName, "review.md")}");
        }

        var existed = output.Exists;
        try
        {
            output.Directory?.Create();
            using (new FileStream(output.FullName, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            throw new InvalidInputException($"--output: cannot write '{output.FullName}': {reason}", e);
        }

        return !existed;
    }

    private static async Task WriteFileAsync(FileInfo output, string text, CancellationToken ct)
    {
        try
        {
            output.Directory?.Create();
            await File.WriteAllTextAsync(output.FullName, text, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"--output: cannot write '{output.FullName}': {e.Message}", e);
        }
    }
}
