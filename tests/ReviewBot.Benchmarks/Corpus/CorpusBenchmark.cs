using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ReviewBot.Core;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.Pipeline;

namespace ReviewBot.Benchmarks.Corpus;

/// <summary>
/// The <c>corpus</c> scenario, the precision harness:
/// <c>-- corpus --repo GITDIR --prs N,M,... [--sample K --seed S] [--out FILE]</c>.
/// Rebuilds real pull requests of a local (bare or not) git repository — <c>refs/pull/N/head</c> against
/// its merge base with the default branch, as GitHub shows them — reviews each through the real
/// <see cref="ReviewPipeline"/>, rules only, and writes one JSON line per finding (to <c>--out</c>, else
/// stdout) followed by one summary line: findings per PR by severity and rule, wall time, peak memory,
/// crashes. Without <c>--prs</c>, <c>--sample K</c> draws K pull requests of the repository with the
/// seeded generator (default seed 1), so a run can be repeated; with both, it samples from the list.
/// The repository's own <c>.github/reviewbot.yml</c> at the merge base is used when it has one.
/// </summary>
public static class CorpusBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"corpus: {e.Message}");
            await Console.Error.WriteLineAsync("usage: corpus --repo GITDIR (--prs N,M,... | --sample K) [--seed S] [--out FILE] [--timeout-seconds T]");
            return 2;
        }

        var defaultBranch = (await GitAsync(options.Repo, "symbolic-ref", "--quiet", "HEAD")).Trim();
        if (defaultBranch.Length == 0)
        {
            await Console.Error.WriteLineAsync($"corpus: '{options.Repo}' has no default branch (HEAD is detached or it is not a repository)");
            return 2;
        }

        var prs = options.Prs;
        if (options.Sample is { } k)
        {
            var pool = prs.Count > 0 ? prs : await AllPullRequestsAsync(options.Repo);
            var random = new Random(options.Seed);
            prs = pool.OrderBy(_ => random.Next()).Take(k).Order().ToList();
        }

        await using var output = options.Out is null ? Console.OpenStandardOutput() : File.Create(options.Out);
        await using var writer = new StreamWriter(output);
        var summaries = new List<PrSummary>();
        var total = Stopwatch.StartNew();
        foreach (var pr in prs)
        {
            var summary = await ReviewOneAsync(options, defaultBranch, pr, writer);
            summaries.Add(summary);
            await Console.Error.WriteLineAsync($"#{pr}: {summary.Files} files, {summary.Findings} findings ({string.Join(", ", summary.BySeverity.Select(kv => $"{kv.Key} {kv.Value}"))}), {summary.WallMs} ms{(summary.Crash is null ? "" : $", CRASH {summary.Crash}")}");
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var reviewed = summaries.Where(s => s.Error is null).ToList();
        var mediumPlus = reviewed.Select(s => s.BySeverity.Where(kv => kv.Key >= Severity.Medium).Sum(kv => kv.Value)).Order().ToList();
        var report = new
        {
            kind = "summary",
            repo = options.Repo,
            defaultBranch,
            prs = summaries,
            reviewed = reviewed.Count,
            crashes = summaries.Count(s => s.Crash is not null),
            findings = reviewed.Sum(s => s.Findings),
            bySeverity = reviewed.SelectMany(s => s.BySeverity).GroupBy(kv => kv.Key).OrderByDescending(g => g.Key).ToDictionary(g => g.Key.ToString().ToLowerInvariant(), g => g.Sum(kv => kv.Value)),
            byRule = reviewed.SelectMany(s => s.ByRule).GroupBy(kv => kv.Key).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value)),
            blocking = reviewed.Sum(s => s.Blocking),
            medianMediumPlusPerPr = Median(mediumPlus),
            wallMs = total.ElapsedMilliseconds,
            peakWorkingSetMb = process.PeakWorkingSet64 / (1024 * 1024),
        };
        await writer.WriteLineAsync(JsonSerializer.Serialize(report, Json));
        await writer.FlushAsync();
        return summaries.Any(s => s.Crash is not null) ? 1 : 0;
    }

    private static async Task<PrSummary> ReviewOneAsync(Options options, string defaultBranch, int pr, StreamWriter writer)
    {
        var stopwatch = Stopwatch.StartNew();
        ChangeSet change;
        ReviewConfig config;
        try
        {
            var head = $"refs/pull/{pr}/head";
            change = await GitChangeSource.FromRangeAsync(options.Repo, await BaseOfAsync(options.Repo, defaultBranch, head), head, CancellationToken.None);
            if (change.Files.Count == 0)
            {
                return new PrSummary(pr, 0, 0, 0, new Dictionary<Severity, int>(), new Dictionary<string, int>(), stopwatch.ElapsedMilliseconds, null) { Error = "empty diff" };
            }

            config = await ConfigAtBaseAsync(change);
        }
        catch (InvalidInputException e)
        {
            // Not a crash of the review: the PR cannot be rebuilt (no such ref, no common history).
            return new PrSummary(pr, 0, 0, 0, new Dictionary<Severity, int>(), new Dictionary<string, int>(), stopwatch.ElapsedMilliseconds, null) { Error = e.Message };
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.TimeoutSeconds));
        try
        {
            var report = await new ReviewPipeline(TimeProvider.System).RunAsync(change, config, null, timeout.Token);
            stopwatch.Stop();
            foreach (var finding in report.Findings)
            {
                var line = new
                {
                    kind = "finding",
                    pr,
                    agent = finding.Agent.Value,
                    rule = finding.Rule,
                    severity = finding.Severity,
                    blocking = report.IsBlocking(finding),
                    file = finding.File,
                    line = finding.Line,
                    title = finding.Title,
                    message = finding.Message,
                    fingerprint = finding.Fingerprint,
                };
                await writer.WriteLineAsync(JsonSerializer.Serialize(line, Json));
            }

            // An agent that failed on real input is a crash of that agent, even when the run survived it.
            var failed = report.Agents.Where(a => a.Status is "failed" or "timed_out").Select(a => $"{a.Name} {a.Status}: {a.Reason}").ToList();
            return new PrSummary(
                pr,
                change.Files.Count,
                report.Findings.Count,
                report.Findings.Count(report.IsBlocking),
                report.Findings.GroupBy(f => f.Severity).ToDictionary(g => g.Key, g => g.Count()),
                report.Findings.GroupBy(f => f.Rule).ToDictionary(g => g.Key, g => g.Count()),
                stopwatch.ElapsedMilliseconds,
                failed.Count == 0 ? null : string.Join("; ", failed))
            {
                NotAnalysed = report.Coverage.NotAnalysed.Count,
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new PrSummary(pr, change.Files.Count, 0, 0, new Dictionary<Severity, int>(), new Dictionary<string, int>(), stopwatch.ElapsedMilliseconds, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// The base to diff against. An open PR: the default branch (its merge base is taken by the range review).
    /// A PR merged with a merge commit has its head inside the default branch, so that merge base is the head
    /// itself; GitHub showed it against the branch it was merged into, i.e. the merge commit's first parent.
    /// </summary>
    private static async Task<string> BaseOfAsync(string repo, string defaultBranch, string head)
    {
        var mergeBase = (await GitAsync(repo, "merge-base", defaultBranch, head)).Trim();
        var headSha = (await GitAsync(repo, "rev-parse", "--verify", "--quiet", head + "^{commit}")).Trim();
        if (mergeBase.Length == 0 || mergeBase != headSha)
        {
            return defaultBranch;
        }

        var merges = (await GitAsync(repo, "rev-list", "--ancestry-path", "--merges", "--reverse", $"{head}..{defaultBranch}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return merges.Length == 0 ? defaultBranch : merges[0] + "^1";
    }

    /// <summary>The repository's own config at the merge base (as the Action reads it from the base branch), else the defaults.</summary>
    private static async Task<ReviewConfig> ConfigAtBaseAsync(ChangeSet change)
    {
        const string path = ".github/reviewbot.yml";
        var files = await change.Base.ReadFilesAsync([path], CancellationToken.None);
        return files.TryGetValue(path, out var yaml) ? ConfigLoader.Parse(yaml, path) : ReviewConfig.Default;
    }

    private static async Task<List<int>> AllPullRequestsAsync(string repo)
    {
        var refs = await GitAsync(repo, "for-each-ref", "--format=%(refname)", "refs/pull/");
        return refs.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(r => r.Split('/'))
            .Where(p => p.Length == 4 && p[3] == "head" && int.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(p => int.Parse(p[2], CultureInfo.InvariantCulture))
            .Order()
            .ToList();
    }

    private static async Task<string> GitAsync(string repo, params string[] arguments)
    {
        var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-C");
        info.ArgumentList.Add(repo);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await stderr;
        return process.ExitCode == 0 ? await stdout : "";
    }

    private static double Median(IReadOnlyList<int> sorted) => sorted.Count == 0
        ? 0
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;

    private sealed record PrSummary(
        int Pr,
        int Files,
        int Findings,
        int Blocking,
        IReadOnlyDictionary<Severity, int> BySeverity,
        IReadOnlyDictionary<string, int> ByRule,
        long WallMs,
        string? Crash)
    {
        /// <summary>Why the PR could not be rebuilt (not counted as reviewed, not a crash).</summary>
        public string? Error { get; init; }

        public int NotAnalysed { get; init; }
    }

    private sealed record Options(string Repo, IReadOnlyList<int> Prs, int? Sample, int Seed, string? Out, int TimeoutSeconds)
    {
        public static Options Parse(string[] args)
        {
            string? repo = null, @out = null;
            List<int> prs = [];
            int? sample = null;
            int seed = 1, timeout = 300;
            for (var i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--repo": repo = Value(); break;
                    case "--prs": prs = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => Number(p, "--prs")).ToList(); break;
                    case "--sample": sample = Number(Value(), "--sample"); break;
                    case "--seed": seed = Number(Value(), "--seed"); break;
                    case "--out": @out = Value(); break;
                    case "--timeout-seconds": timeout = Number(Value(), "--timeout-seconds"); break;
                    default: throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }

            if (repo is null || !Directory.Exists(repo))
            {
                throw new ArgumentException(repo is null ? "--repo is required" : $"--repo '{repo}' is not a folder");
            }

            if (prs.Count == 0 && sample is null)
            {
                throw new ArgumentException("name the pull requests with --prs N,M,... or draw some with --sample K");
            }

            return new Options(repo, prs, sample, seed, @out, timeout);
        }

        private static int Number(string text, string option) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{option}: '{text}' is not a positive whole number");
    }
}
