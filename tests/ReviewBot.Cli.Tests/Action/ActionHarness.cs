using System.Diagnostics;
using System.Text.Json.Nodes;
using ReviewBot.TestUtils;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>What one run of the published <c>reviewbot action</c> left behind.</summary>
internal sealed record ActionResult(int ExitCode, string Stdout, string Stderr, IReadOnlyDictionary<string, string> Outputs, string Summary, JsonObject? Report)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}\n--- summary\n{Summary}";
}

/// <summary>
/// A simulated Actions job: a fake GitHub (WireMock) seeded from a recorded payload, a real git workspace
/// with a base and a head commit, the event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and the
/// INPUT_* variables; runs the published <c>reviewbot action</c> as a process.
/// </summary>
internal sealed class ActionHarness : IDisposable
{
    /// <summary>The base config: built-in agents off, one custom regex agent, so findings are exact.</summary>
    public const string Config = """
        agents:
          governance: false
          quality: false
          lineage: false
          cost: false
          docs: false
          no-passwords:
            lane: critical
            policy: required
            patterns:
              - id: hardcoded-password
                regex: 'password\s*='
                severity: high
                title: Hard-coded password
                message: A password is written in the code; read it from a secret store instead.
        """;

    private readonly string _dir;
    private readonly TempGitRepo _repo;

    private ActionHarness(string payload, bool withFinding, int extraFiles, string config, Action<string>? editHead)
    {
        _dir = Path.Combine(Path.GetTempPath(), "reviewbot-action", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dir);
        EmptyWorkspace = Directory.CreateDirectory(Path.Combine(_dir, "empty-workspace")).FullName;
        _repo = TempGitRepo.Create();
        _repo.WriteFile(".github/reviewbot.yml", config);
        _repo.WriteFile("models/customers.sql", "select id,\n  name\nfrom raw.customers\n");
        BaseSha = _repo.Commit("base");
        _repo.Branch("feature", checkout: true);
        _repo.WriteFile("models/customers.sql", "select id,\n  name,\n  email\nfrom raw.customers\n");
        _repo.WriteFile("pipelines/load.py", withFinding ? "import os\n\npassword = \"hunter2\"\n" : "import os\n\ntoken = os.environ[\"TOKEN\"]\n");
        for (var i = 0; i < extraFiles; i++)
        {
            _repo.WriteFile($"models/generated/m{i:000}.sql", $"select {i} as n\n");
        }

        editHead?.Invoke(_repo.Root);
        HeadSha = _repo.Commit("head");

        GitHub = new FakeGitHub(payload: payload.StartsWith("pull_request/", StringComparison.Ordinal) ? payload : "pull_request/opened.payload.json");
        GitHub.BaseSha = BaseSha;
        GitHub.HeadSha = HeadSha;
        foreach (var section in _repo.Run("diff", "--no-color", "--no-renames", "--unified=3", BaseSha, HeadSha).Split("diff --git ", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = section.Split('\n');
            var added = lines.Any(l => l.StartsWith("new file mode", StringComparison.Ordinal));
            var deleted = lines.Any(l => l.StartsWith("deleted file mode", StringComparison.Ordinal));
            var path = lines.First(l => l.StartsWith(deleted ? "--- a/" : "+++ b/", StringComparison.Ordinal))[6..];
            var patch = section[section.IndexOf("\n@@", StringComparison.Ordinal)..].Trim('\n');
            GitHub.AddFile(path, added ? "added" : deleted ? "removed" : "modified", patch);
        }

        Event = WebhookFixtures.Load(payload);
        if (Event["pull_request"] is JsonObject pr)
        {
            pr["head"]!["sha"] = HeadSha;
            pr["base"]!["sha"] = BaseSha;
            pr["changed_files"] = GitHub.Files.Count;
        }

        Environment = new Dictionary<string, string>
        {
            ["GITHUB_EVENT_NAME"] = payload.StartsWith("workflow_dispatch", StringComparison.Ordinal) ? "workflow_dispatch" : "pull_request",
            ["GITHUB_EVENT_PATH"] = Path.Combine(_dir, "event.json"),
            ["GITHUB_REPOSITORY"] = GitHub.FullName,
            ["GITHUB_API_URL"] = GitHub.ApiUrl,
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_RUN_ID"] = "42",
            ["GITHUB_WORKSPACE"] = _repo.Root,
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(_dir, "summary.md"),
            ["GITHUB_OUTPUT"] = Path.Combine(_dir, "output.txt"),
            ["INPUT_GITHUB_TOKEN"] = "ghs_e2eTokenValue",
        };
    }

    public FakeGitHub GitHub { get; }

    public string BaseSha { get; }

    public string HeadSha { get; }

    /// <summary>The event payload written to GITHUB_EVENT_PATH (edit before <see cref="RunAsync"/>).</summary>
    public JsonObject Event { get; }

    public Dictionary<string, string> Environment { get; }

    /// <summary>A workspace folder without a checkout: contents must come through the API.</summary>
    public string EmptyWorkspace { get; }

    public string Workspace => Environment["GITHUB_WORKSPACE"];

    /// <summary>Runs without a checkout: the workspace is empty and GitHub serves both commits as tarballs.</summary>
    public ActionHarness WithoutCheckout()
    {
        GitHub.Trees[BaseSha] = Tree(BaseSha);
        GitHub.Trees[HeadSha] = Tree(HeadSha);
        Environment["GITHUB_WORKSPACE"] = EmptyWorkspace;
        return this;
    }

    /// <param name="editHead">Changes the checkout before the head commit (e.g. commits a symbolic link).</param>
    public static ActionHarness Create(string payload = "pull_request/opened.payload.json", bool withFinding = true, int extraFiles = 0, string config = Config, Action<string>? editHead = null) =>
        new(payload, withFinding, extraFiles, config, editHead);

    public async Task<ActionResult> RunAsync()
    {
        await File.WriteAllTextAsync(Environment["GITHUB_EVENT_PATH"], Event.ToJsonString());
        foreach (var file in (string[])[Environment["GITHUB_OUTPUT"], Environment["GITHUB_STEP_SUMMARY"]])
        {
            File.Delete(file);
        }

        var start = new ProcessStartInfo(await PublishedCli.PathAsync())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        start.ArgumentList.Add("action");
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("GITHUB_", StringComparison.Ordinal) || key.StartsWith("INPUT_", StringComparison.Ordinal) || key.StartsWith("RUNNER_", StringComparison.Ordinal)
                || key.StartsWith("ACTIONS_", StringComparison.Ordinal) || key.StartsWith("AZURE_OPENAI_", StringComparison.Ordinal) || key.StartsWith("OPENAI_", StringComparison.Ordinal)
                || key.StartsWith("GIT_CONFIG", StringComparison.Ordinal))
            {
                start.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"reviewbot action did not finish in 2 minutes:\n{await stderr}");
        }

        var reportPath = Path.Combine(Workspace, ".reviewbot", "report.json");
        return new ActionResult(
            process.ExitCode,
            await stdout,
            await stderr,
            ReadOutputs(Environment["GITHUB_OUTPUT"]),
            File.Exists(Environment["GITHUB_STEP_SUMMARY"]) ? await File.ReadAllTextAsync(Environment["GITHUB_STEP_SUMMARY"]) : "",
            await ReadReportAsync(reportPath));
    }

    public void Dispose()
    {
        GitHub.Dispose();
        _repo.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task<JsonObject?> ReadReportAsync(string path)
    {
        try
        {
            return File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path))?.AsObject() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // two runs racing wrote it at once
        }
    }

    private Dictionary<string, string> Tree(string sha) =>
        _repo.Run("ls-tree", "-r", "--name-only", sha).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(p => p, p => _repo.Run("show", $"{sha}:{p}"), StringComparer.Ordinal);

    private static Dictionary<string, string> ReadOutputs(string path)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return outputs;
        }

        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var marker = lines[i].IndexOf("<<", StringComparison.Ordinal);
            if (marker < 0)
            {
                var eq = lines[i].IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    outputs[lines[i][..eq]] = lines[i][(eq + 1)..];
                }

                continue;
            }

            var name = lines[i][..marker];
            var delimiter = lines[i][(marker + 2)..];
            var value = new List<string>();
            while (++i < lines.Length && lines[i] != delimiter)
            {
                value.Add(lines[i]);
            }

            outputs[name] = string.Join('\n', value);
        }

        return outputs;
    }
}
