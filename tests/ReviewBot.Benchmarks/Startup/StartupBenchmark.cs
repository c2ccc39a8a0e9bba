using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReviewBot.TestUtils;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.Benchmarks.Startup;

/// <summary>
/// <c>startup [--published LABEL=DIR]... [--runs N] [--json FILE]</c>: the published Action binary
/// (<c>action/publish.sh</c>, as the image's entrypoint runs it) started as a process, <c>reviewbot action</c>
/// on a 20-file pull request (dbt models, YAML, a Python pipeline, a migration) against the fake GitHub
/// (WireMock on loopback, real Octokit) with a real git checkout in GITHUB_WORKSPACE and the built-in agents.
/// Per publish variant: cold start (process start to the first GitHub request, median of N runs), the whole run
/// (process start to exit, median), the publish folder's size and its gzip-compressed size (what the image layer
/// adds). One unmeasured run first, so the files are in the page cache and every measured start is a new process
/// against a warm disk: the state of a runner that has just pulled the image.
/// Without <c>--published</c> it publishes with <c>action/publish.sh</c> (this machine's runtime identifier).
/// Targets (issue 16): cold start at most 150 ms, whole 20-file run at most 2 s.
/// </summary>
public static class StartupBenchmark
{
    private const int ChangedFiles = 20;
    private const double ColdStartTargetMs = 150;
    private const double RunTargetMs = 2000;

    public static async Task<int> RunAsync(string[] args)
    {
        var variants = new List<(string Label, string Folder)>();
        var runs = 10;
        string? jsonPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--published" when i + 1 < args.Length && args[i + 1].Contains('=', StringComparison.Ordinal):
                    var pair = args[++i].Split('=', 2);
                    variants.Add((pair[0], Path.GetFullPath(pair[1])));
                    break;
                case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 100:
                    runs = n;
                    i++;
                    break;
                case "--json" when i + 1 < args.Length:
                    jsonPath = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync($"startup: unknown or incomplete option '{args[i]}' (--published LABEL=DIR, --runs 1..100, --json FILE)");
                    return 2;
            }
        }

        string? ownPublish = null;
        if (variants.Count == 0)
        {
            ownPublish = Path.Combine(Path.GetTempPath(), "reviewbot-startup-" + Guid.NewGuid().ToString("N")[..8]);
            await PublishAsync(ownPublish);
            variants.Add(("publish.sh", ownPublish));
        }

        try
        {
            var results = new JsonArray();
            Console.WriteLine($"reviewbot action, {ChangedFiles}-file pull request, median of {runs} runs (after one unmeasured run)");
            Console.WriteLine($"{"variant",-16} {"cold start ms",14} {"whole run ms",13} {"folder MB",10} {"gzip MB",8}");
            var failed = false;
            foreach (var (label, folder) in variants)
            {
                var exe = Path.Combine(folder, "reviewbot");
                if (!File.Exists(exe))
                {
                    await Console.Error.WriteLineAsync($"startup: {folder} has no 'reviewbot' executable");
                    return 2;
                }

                var (starts, totals) = await MeasureAsync(exe, runs);
                var (bytes, gzipBytes) = Sizes(folder);
                var coldStart = Median(starts);
                var whole = Median(totals);
                Console.WriteLine($"{label,-16} {coldStart,14:F0} {whole,13:F0} {bytes / 1e6,10:F1} {gzipBytes / 1e6,8:F1}");
                failed |= coldStart > ColdStartTargetMs || whole > RunTargetMs;
                results.Add(new JsonObject
                {
                    ["variant"] = label,
                    ["coldStartMedianMs"] = Math.Round(coldStart, 1),
                    ["coldStartMs"] = new JsonArray(starts.Select(s => (JsonNode)Math.Round(s, 1)).ToArray()),
                    ["wholeRunMedianMs"] = Math.Round(whole, 1),
                    ["wholeRunMs"] = new JsonArray(totals.Select(s => (JsonNode)Math.Round(s, 1)).ToArray()),
                    ["folderBytes"] = bytes,
                    ["gzipBytes"] = gzipBytes,
                });
            }

            Console.WriteLine($"targets: cold start <= {ColdStartTargetMs} ms, whole run <= {RunTargetMs} ms: {(failed ? "MISSED by at least one variant" : "met")}");
            if (jsonPath is not null)
            {
                await File.WriteAllTextAsync(jsonPath, new JsonObject { ["runs"] = runs, ["files"] = ChangedFiles, ["variants"] = results }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            }

            return 0;
        }
        finally
        {
            if (ownPublish is not null)
            {
                Directory.Delete(ownPublish, recursive: true);
            }
        }
    }

    private static async Task<(List<double> Starts, List<double> Totals)> MeasureAsync(string exe, int runs)
    {
        using var pr = PullRequestJob.Create();
        var starts = new List<double>();
        var totals = new List<double>();
        for (var run = -1; run < runs; run++)
        {
            pr.GitHub.Server.ResetLogEntries();
            var startedAt = TimeProvider.System.GetUtcNow();
            var clock = Stopwatch.StartNew();
            var exit = await pr.RunAsync(exe);
            var total = clock.Elapsed.TotalMilliseconds;
            if (exit is not (0 or 1))
            {
                throw new InvalidOperationException($"reviewbot action exited {exit}: not a review result");
            }

            var first = pr.GitHub.Server.LogEntries.Select(e => e.RequestMessage!.DateTime).DefaultIfEmpty().Min();
            if (first == default)
            {
                throw new InvalidOperationException("reviewbot action made no GitHub request");
            }

            if (run >= 0)
            {
                starts.Add((new DateTimeOffset(DateTime.SpecifyKind(first, DateTimeKind.Utc)) - startedAt).TotalMilliseconds);
                totals.Add(total);
            }
        }

        return (starts, totals);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The folder's bytes, and the bytes of the folder as a gzip-compressed tar (as a registry stores an image layer).</summary>
    private static (long Bytes, long GzipBytes) Sizes(string folder)
    {
        var bytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var counter = new CountingStream();
        using (var gzip = new GZipStream(counter, CompressionLevel.Optimal, leaveOpen: true))
        {
            TarFile.CreateFromDirectory(folder, gzip, includeBaseDirectory: false);
        }

        return (bytes, counter.Length);
    }

    private static async Task PublishAsync(string output)
    {
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "action", "publish.sh"));
        start.ArgumentList.Add(output);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"action/publish.sh failed:\n{await stdout}\n{await stderr}");
        }
    }

    private sealed class CountingStream : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public override void Write(byte[] buffer, int offset, int count) => Position += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Position += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>An Actions job on a 20-file pull request: a git checkout with base and head commits, the fake GitHub serving the same change.</summary>
    private sealed class PullRequestJob : IDisposable
    {
        private readonly TempGitRepo _repo;
        private readonly string _dir;
        private readonly Dictionary<string, string> _environment;

        private PullRequestJob()
        {
            _dir = Directory.CreateTempSubdirectory("reviewbot-startup-job").FullName;
            _repo = TempGitRepo.Create();
            foreach (var (path, text) in Files(head: false))
            {
                _repo.WriteFile(path, text);
            }

            var baseSha = _repo.Commit("base");
            _repo.Branch("feature", checkout: true);
            foreach (var (path, text) in Files(head: true))
            {
                _repo.WriteFile(path, text);
            }

            var headSha = _repo.Commit("head");
            GitHub = new FakeGitHub();
            GitHub.BaseSha = baseSha;
            GitHub.HeadSha = headSha;
            foreach (var section in _repo.Run("diff", "--no-color", "--no-renames", "--unified=3", baseSha, headSha).Split("diff --git ", StringSplitOptions.RemoveEmptyEntries))
            {
                var lines = section.Split('\n');
                var added = lines.Any(l => l.StartsWith("new file mode", StringComparison.Ordinal));
                var path = lines.First(l => l.StartsWith("+++ b/", StringComparison.Ordinal))[6..];
                GitHub.AddFile(path, added ? "added" : "modified", section[section.IndexOf("\n@@", StringComparison.Ordinal)..].Trim('\n'));
            }

            if (GitHub.Files.Count != ChangedFiles)
            {
                throw new InvalidOperationException($"the benchmark pull request changes {GitHub.Files.Count} files, not {ChangedFiles}");
            }

            var payload = WebhookFixtures.Load("pull_request/opened.payload.json");
            payload["pull_request"]!["head"]!["sha"] = headSha;
            payload["pull_request"]!["base"]!["sha"] = baseSha;
            payload["pull_request"]!["changed_files"] = ChangedFiles;
            File.WriteAllText(Path.Combine(_dir, "event.json"), payload.ToJsonString());
            _environment = new Dictionary<string, string>
            {
                ["GITHUB_EVENT_NAME"] = "pull_request",
                ["GITHUB_EVENT_PATH"] = Path.Combine(_dir, "event.json"),
                ["GITHUB_REPOSITORY"] = GitHub.FullName,
                ["GITHUB_API_URL"] = GitHub.ApiUrl,
                ["GITHUB_WORKSPACE"] = _repo.Root,
                ["GITHUB_STEP_SUMMARY"] = Path.Combine(_dir, "summary.md"),
                ["GITHUB_OUTPUT"] = Path.Combine(_dir, "output.txt"),
                ["INPUT_GITHUB_TOKEN"] = "ghs_startupBenchmarkToken",
            };
        }

        public FakeGitHub GitHub { get; }

        public static PullRequestJob Create() => new();

        public async Task<int> RunAsync(string exe)
        {
            var start = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
            start.ArgumentList.Add("action");
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal) || k.StartsWith("INPUT_", StringComparison.Ordinal)
                || k.StartsWith("AZURE_OPENAI_", StringComparison.Ordinal) || k.StartsWith("OPENAI_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(key);
            }

            foreach (var (key, value) in _environment)
            {
                start.Environment[key] = value;
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(stdout, stderr);
            return process.ExitCode;
        }

        public void Dispose()
        {
            GitHub.Dispose();
            _repo.Dispose();
            Directory.Delete(_dir, recursive: true);
        }

        /// <summary>
        /// 20 changed files of a small dbt + Dagster project: 14 staging models gain a column, two marts and their
        /// YAML change, a pipeline, a migration and a README are added or edited. Written for this benchmark.
        /// </summary>
        private static IEnumerable<(string Path, string Text)> Files(bool head)
        {
            var extra = head ? ",\n    updated_at" : "";
            for (var i = 0; i < 14; i++)
            {
                yield return ($"models/staging/stg_shop_table_{i:00}.sql",
                    $"with source as (\n    select * from {{{{ source('shop', 'table_{i:00}') }}}}\n)\n\nselect\n    id,\n    name,\n    amount_cents / 100.0 as amount{extra}\nfrom source\n");
            }

            yield return ("models/staging/_shop__sources.yml",
                "version: 2\n\nsources:\n  - name: shop\n    schema: raw_shop\n    tables:\n" + string.Concat(Enumerable.Range(0, 14).Select(i => $"      - name: table_{i:00}\n")) + (head ? "      - name: refunds\n" : ""));
            yield return ("models/marts/shop_revenue.sql",
                "select\n    t.id,\n    sum(t.amount) as revenue\nfrom {{ ref('stg_shop_table_00') }} t\n" + (head ? "join {{ ref('stg_shop_table_01') }} u on u.id = t.id\n" : "") + "group by 1\n");
            yield return ("models/marts/_marts.yml",
                "version: 2\n\nmodels:\n  - name: shop_revenue\n    description: Revenue per shop table row.\n    columns:\n      - name: id\n        tests: [unique, not_null]\n" + (head ? "      - name: revenue\n        description: Sum of amounts.\n" : ""));
            yield return ("pipelines/shop_assets.py",
                "import os\n\nfrom dagster import asset\n\n\n@asset\ndef shop_export():\n    bucket = os.environ[\"EXPORT_BUCKET\"]\n    return bucket\n" + (head ? "\n\n@asset\ndef shop_refunds():\n    return os.environ.get(\"REFUNDS_TABLE\", \"raw_shop.refunds\")\n" : ""));
            yield return ("migrations/V7__refunds.sql",
                head ? "create table raw_shop.refunds (\n    id bigint primary key,\n    order_id bigint not null,\n    amount_cents integer not null\n);\n" : "-- V7 adds the refunds table\n");
            yield return ("README.md", "# Shop analytics\n\nModels for the shop tables." + (head ? " Refunds land in `raw_shop.refunds`.\n" : "\n"));
        }
    }
}
