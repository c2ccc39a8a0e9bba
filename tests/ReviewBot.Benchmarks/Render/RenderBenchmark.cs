using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ReviewBot.Benchmarks.Analysis;
using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Benchmarks.Render;

/// <summary>
/// <c>render --repo DIR [--rev REV] [--project SUBDIR]</c>: renders every model, snapshot, analysis and singular test
/// of a dbt repository (a working folder, or a bare git repository at REV, default HEAD) and prints JSON figures.
/// <c>render --synthetic N</c>: the same over the synthetic N-model project of the analysis benchmark.
/// </summary>
public static class RenderBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var repo = Arg("--repo");
        var synthetic = Arg("--synthetic");
        var under = Arg("--project");
        var show = Arg("--show");
        IRepositoryFiles files;
        string label;
        if (synthetic is not null)
        {
            var (generated, _) = AnalysisBenchmark.SyntheticProject(int.Parse(synthetic, System.Globalization.CultureInfo.InvariantCulture));
            var folder = Path.Combine(Path.GetTempPath(), "rb-render-synth-" + Guid.NewGuid().ToString("N"));
            foreach (var (path, text) in generated)
            {
                var full = Path.Combine(folder, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, text);
            }

            try
            {
                files = new DirectoryFiles(folder);
                label = $"synthetic {synthetic}";
                return Measure(files, label, under, syntheticTargets: true);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        if (repo is null)
        {
            await Console.Error.WriteLineAsync("usage: render --repo DIR [--rev REV] [--project SUBDIR] | --synthetic N");
            return 2;
        }

        var isBare = File.Exists(Path.Combine(repo, "HEAD")) && Directory.Exists(Path.Combine(repo, "objects"));
        files = isBare ? await GitFiles.LoadAsync(repo, Arg("--rev") ?? "HEAD") : new DirectoryFiles(repo);
        label = repo;
        if (show is not null)
        {
            var result = new DbtRenderer(DbtRepository.Load(files)).Render(show);
            Console.WriteLine(JsonSerializer.Serialize(result with { SourceMap = SourceMap.Empty }, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine(result.Sql);
            return 0;
        }

        return Measure(files, label, under, syntheticTargets: false);
    }

    private static int Measure(IRepositoryFiles files, string label, string? under, bool syntheticTargets)
    {
        var load = Stopwatch.StartNew();
        var repository = DbtRepository.Load(files);
        foreach (var project in repository.Projects)
        {
            repository.MacrosFor(project);
            repository.AdapterFor(project);
        }

        load.Stop();
        var renderer = new DbtRenderer(repository);
        var targets = repository.RenderableFiles().Where(f => under is null || f.Path.StartsWith(under, StringComparison.Ordinal)).ToList();
        var times = new List<double>(targets.Count);
        var results = new List<RenderedModel>(targets.Count);
        var total = Stopwatch.StartNew();
        foreach (var file in targets)
        {
            var sw = Stopwatch.StartNew();
            results.Add(renderer.Render(file.Path));
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        total.Stop();
        times.Sort();

        // A second pass over the same files: the steady state of a long-running process (JIT done, caches warm).
        var warmTimes = new List<double>(targets.Count);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var warmTotal = Stopwatch.StartNew();
        foreach (var file in targets)
        {
            var sw = Stopwatch.StartNew();
            renderer.Render(file.Path);
            warmTimes.Add(sw.Elapsed.TotalMilliseconds);
        }

        warmTotal.Stop();
        var warmCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        warmTimes.Sort();
        var models = results.Count(r => r.Kind is DbtFileKind.Model or DbtFileKind.Snapshot);
        var rendered = results.Count(r => r.Status == RenderStatus.Rendered);
        var partial = results.Count(r => r.Status == RenderStatus.Partial);
        var notRendered = results.Where(r => r.Status == RenderStatus.NotRendered).ToList();
        var figures = new
        {
            repo = label,
            projects = repository.Projects.Select(p => new { p.Name, root = p.Root, adapter = repository.AdapterFor(p), macroFileErrors = repository.MacrosFor(p).Errors.Take(3).ToList() }).ToList(),
            files = results.Count,
            models,
            rendered,
            partial,
            notRendered = notRendered.Count,
            renderedOrPartialPercent = results.Count == 0 ? 100 : Math.Round(100.0 * (rendered + partial) / results.Count, 2),
            topNotRenderedReasons = notRendered.GroupBy(r => Normalize(r.Reason)).OrderByDescending(g => g.Count()).Take(10)
                .Select(g => new { reason = g.Key, count = g.Count(), example = g.First().Path + ":" + g.First().ReasonLine }).ToList(),
            topPartialReasons = results.SelectMany(r => r.PartialReasons.Concat(r.Unresolved).Distinct().Select(reason => (reason, r.Path))).GroupBy(x => Normalize(x.reason)).OrderByDescending(g => g.Count()).Take(12)
                .Select(g => new { reason = g.Key, count = g.Count(), example = g.First().Path }).ToList(),
            projectLoadMs = Math.Round(load.Elapsed.TotalMilliseconds, 1),
            totalRenderMs = Math.Round(total.Elapsed.TotalMilliseconds, 1),
            msPerModel = new
            {
                median = times.Count == 0 ? 0 : Math.Round(times[times.Count / 2], 4),
                mean = times.Count == 0 ? 0 : Math.Round(times.Average(), 4),
                p99 = times.Count == 0 ? 0 : Math.Round(times[(int)(times.Count * 0.99)], 4),
                max = times.Count == 0 ? 0 : Math.Round(times[^1], 2),
            },
            warmTotalRenderMs = Math.Round(warmTotal.Elapsed.TotalMilliseconds, 1),
            warmCpuMs = Math.Round(warmCpu.TotalMilliseconds, 1),
            warmMsPerModel = new
            {
                median = warmTimes.Count == 0 ? 0 : Math.Round(warmTimes[warmTimes.Count / 2], 4),
                mean = warmTimes.Count == 0 ? 0 : Math.Round(warmTimes.Average(), 4),
                p99 = warmTimes.Count == 0 ? 0 : Math.Round(warmTimes[(int)(warmTimes.Count * 0.99)], 4),
            },
            peakWorkingSetMb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0, 1),
            targets = syntheticTargets ? "median <= 0.25 ms, all in <= 2000 ms" : ">= 99% rendered or partial, 0 crashes",
        };
        Console.WriteLine(JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static string Normalize(string? reason)
    {
        if (reason is null)
        {
            return string.Empty;
        }

        var cut = reason.IndexOf(" (in macro", StringComparison.Ordinal);
        var text = cut > 0 ? reason[..cut] : reason;
        return text.Length > 140 ? text[..140] : text;
    }

    /// <summary>Files of a bare git repository at one revision, read in one <c>git cat-file --batch</c> pass.</summary>
    private sealed class GitFiles : IRepositoryFiles
    {
        private static readonly string[] TextExtensions = [".sql", ".yml", ".yaml", ".txt", ".in", ".toml", ".py", ".cfg"];
        private readonly Dictionary<string, string> _texts;

        private GitFiles(List<string> paths, Dictionary<string, string> texts)
        {
            Paths = paths;
            _texts = texts;
        }

        public IReadOnlyList<string> Paths { get; }

        public string? Read(string path) => _texts.GetValueOrDefault(path);

        public static async Task<GitFiles> LoadAsync(string gitDir, string rev)
        {
            var list = await RunAsync(gitDir, $"ls-tree -r -z {rev}");
            var entries = new List<(string Sha, string Path)>();
            foreach (var record in list.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                var tab = record.IndexOf('\t', StringComparison.Ordinal);
                var meta = record[..tab].Split(' ');
                if (meta[1] == "blob")
                {
                    entries.Add((meta[2], record[(tab + 1)..]));
                }
            }

            var wanted = entries.Where(e => TextExtensions.Any(x => e.Path.EndsWith(x, StringComparison.OrdinalIgnoreCase)) || e.Path.EndsWith("Pipfile", StringComparison.Ordinal)).ToList();
            var texts = new Dictionary<string, string>(StringComparer.Ordinal);
            var psi = new ProcessStartInfo("git", $"--git-dir \"{gitDir}\" cat-file --batch") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(psi)!;
            var writer = Task.Run(async () =>
            {
                foreach (var (sha, _) in wanted)
                {
                    await process.StandardInput.WriteLineAsync(sha);
                }

                process.StandardInput.Close();
            });
            var stream = process.StandardOutput.BaseStream;
            foreach (var (_, path) in wanted)
            {
                var header = ReadLine(stream);
                if (header.EndsWith(" missing", StringComparison.Ordinal))
                {
                    continue;
                }

                var size = int.Parse(header.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
                var buffer = new byte[size];
                await stream.ReadExactlyAsync(buffer);
                stream.ReadByte();
                texts[path] = Encoding.UTF8.GetString(buffer);
            }

            await writer;
            await process.WaitForExitAsync();
            return new GitFiles(entries.Select(e => e.Path).ToList(), texts);
        }

        private static string ReadLine(Stream stream)
        {
            var bytes = new List<byte>();
            int b;
            while ((b = stream.ReadByte()) >= 0 && b != '\n')
            {
                bytes.Add((byte)b);
            }

            return Encoding.UTF8.GetString(bytes.ToArray());
        }

        private static async Task<string> RunAsync(string gitDir, string arguments)
        {
            var psi = new ProcessStartInfo("git", $"--git-dir \"{gitDir}\" {arguments}") { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(psi)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return output;
        }
    }
}
