using System.Diagnostics;
using System.Text.Json;
using ReviewBot.Benchmarks.Analysis;
using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;
using ReviewBot.Sql;
using ReviewBot.Sql.Lineage;
using ReviewBot.Sql.Parsing;

namespace ReviewBot.Benchmarks.Sql;

/// <summary>
/// <c>sql --repo DIR [--rev REV] [--renderer dbt|crude] [--dialect D] [--failures N]</c>: renders (ReviewBot.Dbt by
/// default; <c>crude</c> is the regex stand-in, read with --dialect) and parses every .sql model of a git repository
/// (bare or not) and builds project-wide column lineage; <c>sql --synthetic N</c> does the same for the synthetic
/// project of <see cref="AnalysisBenchmark"/>. Prints one JSON object.
/// </summary>
public static class SqlBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var dialect = Enum.TryParse<SqlDialect>(Option("--dialect") ?? "Neutral", ignoreCase: true, out var d) ? d : SqlDialect.Neutral;
        var showFailures = int.TryParse(Option("--failures"), out var f) ? f : 0;
        Dictionary<string, string> files;
        string label;
        if (Option("--synthetic") is { } synthetic)
        {
            var (change, _) = AnalysisBenchmark.Project(int.Parse(synthetic, System.Globalization.CultureInfo.InvariantCulture), 1, 0);
            var paths = (await change.Head.ListFilesAsync(CancellationToken.None)).Where(p => p.EndsWith(".sql", StringComparison.Ordinal)).ToList();
            files = new Dictionary<string, string>(await change.Head.ReadFilesAsync(paths, CancellationToken.None), StringComparer.Ordinal);
            label = $"synthetic-{synthetic}";
        }
        else if (Option("--repo") is { } repo && Option("--renderer") is "crude")
        {
            files = await ReadModelsAsync(repo, Option("--rev") ?? "HEAD", modelsOnly: true);
            label = repo;
        }
        else if (Option("--repo") is { } dbtRepo)
        {
            return await RunRenderedAsync(dbtRepo, Option("--rev") ?? "HEAD", showFailures);
        }
        else
        {
            await Console.Error.WriteLineAsync("usage: sql --repo DIR [--rev REV] [--dialect D] [--failures N] | sql --synthetic N");
            return 2;
        }

        // Warm-up: one full pass (parse and lineage) so that JIT and tiering do not count as parse time; the
        // numbers below are the second pass.
        var warmUp = files.Select(p => new SqlRelationDefinition(Path.GetFileNameWithoutExtension(p.Key), SqlParser.Parse(CrudeJinja.Render(p.Value), dialect)))
            .GroupBy(x => x.Relation, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
        SqlProjectLineage.Build(warmUp);
        warmUp.Clear();
        GC.Collect();

        if (Option("--dump") is { } dump)
        {
            Console.WriteLine(CrudeJinja.Render(files[dump]));
            return 0;
        }

        if (args.Contains("--lex-only"))
        {
            var rendered = files.Values.Select(CrudeJinja.Render).ToList();
            var lex = Stopwatch.StartNew();
            var count = 0;
            foreach (var text in rendered)
            {
                count += ReviewBot.Sql.Lexing.SqlLexer.Tokenize(text, dialect).Count;
            }

            lex.Stop();
            var parse = Stopwatch.StartNew();
            foreach (var text in rendered)
            {
                SqlParser.Parse(text, dialect);
            }

            parse.Stop();
            Console.WriteLine($"tokens {count} lex {lex.ElapsedMilliseconds} ms, lex+parse {parse.ElapsedMilliseconds} ms");
            return 0;
        }

        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var total = Stopwatch.StartNew();
        var renderWatch = new Stopwatch();
        var parseWatch = new Stopwatch();
        var definitions = new List<SqlRelationDefinition>(files.Count);
        var statements = 0;
        var parsedStatements = 0;
        var failedModels = 0;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var (path, text) in files.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            renderWatch.Start();
            var rendered = CrudeJinja.Render(text);
            renderWatch.Stop();
            parseWatch.Start();
            var parse = SqlParser.Parse(rendered, dialect);
            parseWatch.Stop();
            statements += parse.Statements.Count;
            parsedStatements += parse.Statements.Count - parse.Diagnostics.Count;
            if (!parse.Succeeded)
            {
                failedModels++;
                foreach (var diagnostic in parse.Diagnostics)
                {
                    var reason = Normalise(diagnostic.Message);
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                    if (failures.Count < showFailures && (Option("--reason") is not { } only || diagnostic.Message.Contains(only, StringComparison.Ordinal)))
                    {
                        var line = rendered.Split('\n').ElementAtOrDefault(diagnostic.Line - 1)?.Trim() ?? string.Empty;
                        failures.Add($"{path}:{diagnostic.Line}: {diagnostic.Message} | {line[..Math.Min(line.Length, 160)]}");
                    }
                }
            }

            var name = Path.GetFileNameWithoutExtension(path);
            definitions.Add(new SqlRelationDefinition(name, parse));
        }

        process.Refresh();
        var cpuParsed = process.TotalProcessorTime;
        var lineageWatch = Stopwatch.StartNew();
        var unique = definitions.GroupBy(x => x.Relation, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
        var lineage = SqlProjectLineage.Build(unique);
        lineageWatch.Stop();
        total.Stop();
        process.Refresh();
        var cpuEnd = process.TotalProcessorTime;
        var models = files.Count;
        var result = new
        {
            repo = label,
            dialect = dialect.ToString(),
            models,
            statements,
            parsed = parsedStatements,
            failed = statements - parsedStatements,
            modelsParsedPercent = models == 0 ? 100.0 : Math.Round(100.0 * (models - failedModels) / models, 2),
            topReasons = reasons.OrderByDescending(r => r.Value).Take(10).Select(r => new { reason = r.Key, count = r.Value }),
            renderMs = renderWatch.ElapsedMilliseconds,
            parseMs = parseWatch.ElapsedMilliseconds,
            msPerModel = models == 0 ? 0 : Math.Round((double)parseWatch.ElapsedMilliseconds / models, 3),
            lineageMs = lineageWatch.ElapsedMilliseconds,
            lineageRelations = lineage.Relations.Count,
            totalMs = total.ElapsedMilliseconds,
            cpuRenderAndParseMs = (long)(cpuParsed - cpuStart).TotalMilliseconds,
            cpuLineageMs = (long)(cpuEnd - cpuParsed).TotalMilliseconds,
            cpuTotalMs = (long)(cpuEnd - cpuStart).TotalMilliseconds,
            peakWorkingSetMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024),
            loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null,
            failures,
        };
        Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    /// <summary>
    /// Renders every model with the dbt renderer (ReviewBot.Dbt), parses the rendered SQL in the dialect of the
    /// project's adapter, and builds project lineage. Models the renderer could not render are counted apart.
    /// </summary>
    private static async Task<int> RunRenderedAsync(string repo, string rev, int showFailures)
    {
        var all = await ReadModelsAsync(repo, rev, modelsOnly: false);
        var repository = DbtRepository.Load(new InMemoryFiles(all));
        var renderer = new DbtRenderer(repository);
        var targets = repository.RenderableFiles().Where(f => f.Kind == DbtFileKind.Model).ToList();
        var rendered = new List<RenderedModel>(targets.Count);
        var renderWatch = Stopwatch.StartNew();
        foreach (var target in targets)
        {
            rendered.Add(renderer.Render(target.Path));
        }

        renderWatch.Stop();
        var usable = rendered.Where(r => r.Status != RenderStatus.NotRendered).ToList();

        // Warm-up pass (JIT, tiering), then the measured pass.
        foreach (var model in usable)
        {
            SqlParser.Parse(model.Sql, AdapterInference.Dialect(model.Adapter));
        }

        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var parseWatch = Stopwatch.StartNew();
        var definitions = new List<SqlRelationDefinition>(usable.Count);
        int statements = 0, parsed = 0, failedModels = 0, fullyRendered = 0, failedFullyRendered = 0, failedWithGaps = 0;
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var dialects = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var model in usable)
        {
            var dialect = AdapterInference.Dialect(model.Adapter);
            dialects[dialect.ToString()] = dialects.GetValueOrDefault(dialect.ToString()) + 1;
            var parse = SqlParser.Parse(model.Sql, dialect);
            statements += parse.Statements.Count;
            parsed += parse.Statements.Count - parse.Diagnostics.Count;

            // A render whose gaps come from the warehouse (run_query, columns of a relation) may leave SQL with empty
            // lists: its parse failures are coverage the review reports, not the parser's misreadings.
            var gaps = model.PartialReasons.Any(r => !model.Unresolved.Contains(r, StringComparer.Ordinal));
            fullyRendered += model.Status == RenderStatus.Rendered ? 1 : 0;
            if (!parse.Succeeded)
            {
                failedModels++;
                failedFullyRendered += model.Status == RenderStatus.Rendered ? 1 : 0;
                failedWithGaps += gaps ? 1 : 0;
                foreach (var diagnostic in parse.Diagnostics)
                {
                    var reason = Normalise(diagnostic.Message);
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                    if (failures.Count < showFailures)
                    {
                        var line = model.Sql.Split('\n').ElementAtOrDefault(diagnostic.Line - 1)?.Trim() ?? string.Empty;
                        failures.Add($"{model.Path}:{diagnostic.Line} (model line {model.SourceMap.LineAt(diagnostic.Span.Offset)}): {diagnostic.Message} | {line[..Math.Min(line.Length, 160)]}");
                    }
                }
            }

            definitions.Add(new SqlRelationDefinition(Path.GetFileNameWithoutExtension(model.Path), parse));
        }

        parseWatch.Stop();
        var lineageWatch = Stopwatch.StartNew();
        var lineage = SqlProjectLineage.Build(definitions.GroupBy(x => x.Relation, StringComparer.OrdinalIgnoreCase).Select(g => g.First()));
        lineageWatch.Stop();
        process.Refresh();
        var result = new
        {
            repo,
            renderer = "ReviewBot.Dbt",
            dialects,
            models = targets.Count,
            notRendered = rendered.Count - usable.Count,
            partiallyRendered = rendered.Count(r => r.Status == RenderStatus.Partial),
            statements,
            parsed,
            failed = statements - parsed,
            renderedModelsParsedPercent = usable.Count == 0 ? 100.0 : Math.Round(100.0 * (usable.Count - failedModels) / usable.Count, 2),
            fullyRenderedModels = fullyRendered,
            fullyRenderedParsedPercent = fullyRendered == 0 ? 100.0 : Math.Round(100.0 * (fullyRendered - failedFullyRendered) / fullyRendered, 2),
            failedWithWarehouseGaps = failedWithGaps,
            topReasons = reasons.OrderByDescending(r => r.Value).Take(10).Select(r => new { reason = r.Key, count = r.Value }),
            renderMs = renderWatch.ElapsedMilliseconds,
            parseMs = parseWatch.ElapsedMilliseconds,
            msPerModel = usable.Count == 0 ? 0 : Math.Round((double)parseWatch.ElapsedMilliseconds / usable.Count, 3),
            lineageMs = lineageWatch.ElapsedMilliseconds,
            lineageRelations = lineage.Relations.Count,
            cpuParseAndLineageMs = (long)(process.TotalProcessorTime - cpuStart).TotalMilliseconds,
            peakWorkingSetMb = process.PeakWorkingSet64 / (1024 * 1024),
            loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null,
            failures,
        };
        Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static string Normalise(string message)
    {
        // Group by shape: quoted token text differs per file.
        var quote = message.IndexOf("found '", StringComparison.Ordinal);
        return quote < 0 ? message : message[..quote] + "found " + message[(quote + 7)..].TrimEnd('\'');
    }

    /// <summary>Every .sql file under a models/ folder at <paramref name="rev"/>, read with git (works on bare mirrors).</summary>
    private static async Task<Dictionary<string, string>> ReadModelsAsync(string repo, string rev, bool modelsOnly)
    {
        var list = await GitAsync(repo, $"ls-tree -r --name-only {rev}", null);
        var paths = list.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => modelsOnly
                ? p.EndsWith(".sql", StringComparison.Ordinal) && (p.StartsWith("models/", StringComparison.Ordinal) || p.Contains("/models/", StringComparison.Ordinal))
                    && !p.Contains("dbt_packages/", StringComparison.Ordinal) && !p.Contains("target/", StringComparison.Ordinal)
                : p.EndsWith(".sql", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal) || p.EndsWith(".yaml", StringComparison.Ordinal)
                    || p.EndsWith(".txt", StringComparison.Ordinal) || p.EndsWith(".toml", StringComparison.Ordinal) || p.EndsWith(".csv", StringComparison.Ordinal))
            .ToList();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in paths.Chunk(500))
        {
            var input = string.Join('\n', chunk.Select(p => $"{rev}:{p}")) + "\n";
            var output = await GitBytesAsync(repo, "cat-file --batch", input);
            var position = 0;
            foreach (var path in chunk)
            {
                var headerEnd = Array.IndexOf(output, (byte)'\n', position);
                var header = System.Text.Encoding.UTF8.GetString(output, position, headerEnd - position).Split(' ');
                position = headerEnd + 1;
                if (header.Length < 3)
                {
                    continue;
                }

                var size = int.Parse(header[2], System.Globalization.CultureInfo.InvariantCulture);
                files[path] = System.Text.Encoding.UTF8.GetString(output, position, size);
                position += size + 1;
            }
        }

        return files;
    }

    private static async Task<byte[]> GitBytesAsync(string repo, string arguments, string input)
    {
        var start = new ProcessStartInfo("git", $"-C \"{repo}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        using var buffer = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(buffer);
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        await copy;
        await process.WaitForExitAsync();
        return buffer.ToArray();
    }

    private static async Task<string> GitAsync(string repo, string arguments, string? input)
    {
        var start = new ProcessStartInfo("git", $"-C \"{repo}\" {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
            StandardOutputEncoding = new System.Text.UTF8Encoding(false),
        };
        using var process = Process.Start(start)!;
        var read = process.StandardOutput.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        var text = await read;
        await process.WaitForExitAsync();
        return text;
    }
}
