using System.Text.Json.Nodes;
using ReviewBot.Cli.Action;
using ReviewBot.Cli.Output;
using ReviewBot.Core;
using ReviewBot.TestUtils;
using ReviewBot.TestUtils.GitHub;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.Cli.Tests.Reliability;

/// <summary>What one in-process run of <c>reviewbot action</c> left behind.</summary>
internal sealed record ActionRunResult(
    int ExitCode, string Stdout, string Stderr, string Summary, IReadOnlyDictionary<string, string> Outputs, JsonObject? Report, string? Sarif, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} in {Elapsed.TotalSeconds:0.0}s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}\n--- summary\n{Summary}";
}

/// <summary>
/// A simulated Actions job run in-process: the real <c>ActionRun</c> (real Octokit, real Azure OpenAI client)
/// against <see cref="FakeGitHub"/> and, when asked, a <see cref="ChatCompletionsStub"/>, with a real git
/// workspace (base and head commits) and a clock that runs faster than real time, so back-offs and
/// <c>Retry-After</c> pauses cost milliseconds. Exit codes are mapped as <c>Program.Main</c> maps them.
/// </summary>
internal sealed class InProcessAction : IDisposable
{
    public const string Marker = "<!-- reviewbot:comment -->";

    /// <summary>Values planted in the head commit: the governance agent must flag them and nothing may echo them.</summary>
    public static readonly string[] Secrets =
    [
        "AKIAZ7Q3XW9PLMNB4K2R",
        "xoxb-2481632641-reliabilityTestToken77",
        "S3cr3tPassw0rdZ9qv",
    ];

    public const string Token = "ghs_reliabilityTokenValue0123456789abcdef";

    public const string AzureKey = "azure-key-reliability-5f0e1d2c3b4a";

    public const string OpenAiKey = "sk-openai-reliability-9a8b7c6d5e4f";

    /// <summary>Built-in agents with generous budgets (the clock runs fast) plus one exact custom rule.</summary>
    public const string DefaultConfig = """
        agents:
          governance:
            timeout: 60m
          quality:
            timeout: 60m
          lineage:
            timeout: 60m
          cost:
            timeout: 60m
          docs:
            timeout: 60m
          no-todo:
            lane: normal
            policy: best_effort
            timeout: 60m
            patterns:
              - id: todo-left
                regex: 'TODO'
                severity: low
                title: TODO left in code
                message: A TODO was committed; open an issue instead.
        """;

    private readonly string _dir;
    private readonly TempGitRepo _repo;

    private InProcessAction(string baseConfig, IReadOnlyDictionary<string, string> headFiles, bool checkout)
    {
        _dir = Path.Combine(Path.GetTempPath(), "reviewbot-reliability", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dir);
        _repo = TempGitRepo.Create();
        _repo.WriteFile(".github/reviewbot.yml", baseConfig);
        _repo.WriteFile("models/customers.sql", "select id,\n  name\nfrom {{ ref('stg_customers') }}\n");
        BaseSha = _repo.Commit("base");
        _repo.Branch("feature", checkout: true);
        foreach (var (path, text) in headFiles)
        {
            _repo.WriteFile(path, text);
        }

        HeadSha = _repo.Commit("head");

        GitHub = new FakeGitHub();
        GitHub.BaseSha = BaseSha;
        GitHub.HeadSha = HeadSha;
        foreach (var section in _repo.Run("diff", "--no-color", "--no-renames", "--unified=3", BaseSha, HeadSha).Split("diff --git ", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = section.Split('\n');
            var added = lines.Any(l => l.StartsWith("new file mode", StringComparison.Ordinal));
            var path = lines.First(l => l.StartsWith("+++ b/", StringComparison.Ordinal))[6..];
            var patch = section[section.IndexOf("\n@@", StringComparison.Ordinal)..].Trim('\n');
            GitHub.AddFile(path, added ? "added" : "modified", patch);
        }

        Event = WebhookFixtures.Load("pull_request/opened.payload.json");
        Event["pull_request"]!["head"]!["sha"] = HeadSha;
        Event["pull_request"]!["base"]!["sha"] = BaseSha;
        Event["pull_request"]!["changed_files"] = GitHub.Files.Count;

        var workspace = checkout ? _repo.Root : Directory.CreateDirectory(Path.Combine(_dir, "workspace")).FullName;
        if (!checkout)
        {
            GitHub.Trees[BaseSha] = Tree(BaseSha);
            GitHub.Trees[HeadSha] = Tree(HeadSha);
        }

        Environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = Path.Combine(_dir, "event.json"),
            ["GITHUB_REPOSITORY"] = GitHub.FullName,
            ["GITHUB_API_URL"] = GitHub.ApiUrl,
            ["GITHUB_SERVER_URL"] = "https://github.com",
            ["GITHUB_RUN_ID"] = "7",
            ["GITHUB_WORKSPACE"] = workspace,
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(_dir, "summary.md"),
            ["GITHUB_OUTPUT"] = Path.Combine(_dir, "output.txt"),
            ["INPUT_GITHUB_TOKEN"] = Token,
            ["INPUT_SARIF"] = ".reviewbot/report.sarif",
        };
    }

    /// <summary>The head commit's files when a test does not give its own: three secrets, a TODO and a clean model.</summary>
    public static IReadOnlyDictionary<string, string> DefaultHead { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["pipelines/load.py"] = $"import os\n\n# TODO: move to the vault\nAWS_KEY = \"{Secrets[0]}\"\nSLACK = \"{Secrets[1]}\"\nWAREHOUSE = \"postgres://etl:{Secrets[2]}@db.internal:5432/dw\"\n",
        ["models/customers.sql"] = "select id,\n  name,\n  created_at\nfrom {{ ref('stg_customers') }}\n",
    };

    public FakeGitHub GitHub { get; }

    public ChatCompletionsStub? Llm { get; private set; }

    public string BaseSha { get; }

    public string HeadSha { get; }

    public JsonObject Event { get; }

    public Dictionary<string, string?> Environment { get; }

    public string Workspace => Environment["GITHUB_WORKSPACE"]!;

    public static InProcessAction Create(string? baseConfig = null, IReadOnlyDictionary<string, string>? head = null, bool checkout = true) =>
        new(baseConfig ?? DefaultConfig, head ?? DefaultHead, checkout);

    /// <summary>Routes the LLM pass to an Azure OpenAI stub (Action inputs, as a workflow would pass them).</summary>
    public ChatCompletionsStub WithAzureOpenAi()
    {
        Llm = ChatCompletionsStub.StartAzure();
        Environment["INPUT_AZURE_OPENAI_ENDPOINT"] = Llm.Endpoint;
        Environment["INPUT_AZURE_OPENAI_DEPLOYMENT"] = Llm.Deployment;
        Environment["INPUT_AZURE_OPENAI_API_KEY"] = AzureKey;
        return Llm;
    }

    /// <summary>Routes the LLM pass to an OpenAI-compatible stub through the <c>openai_*</c> Action inputs.</summary>
    public ChatCompletionsStub WithOpenAiCompatible()
    {
        Llm = ChatCompletionsStub.StartOpenAiCompatible();
        Environment["INPUT_OPENAI_BASE_URL"] = Llm.Endpoint;
        Environment["INPUT_OPENAI_MODEL"] = Llm.Deployment;
        Environment["INPUT_OPENAI_API_KEY"] = OpenAiKey;
        return Llm;
    }

    /// <summary>Points the LLM inputs at an arbitrary endpoint (e.g. one that resets connections).</summary>
    public void WithAzureOpenAiAt(string endpoint)
    {
        Environment["INPUT_AZURE_OPENAI_ENDPOINT"] = endpoint;
        Environment["INPUT_AZURE_OPENAI_DEPLOYMENT"] = "gpt-4o-review";
        Environment["INPUT_AZURE_OPENAI_API_KEY"] = AzureKey;
    }

    /// <summary>Runs <c>reviewbot action</c> once. <paramref name="speed"/>: how much faster than real time the run's clock goes.</summary>
    public async Task<ActionRunResult> RunAsync(double speed = 60, CancellationToken cancellationToken = default)
    {
        await File.WriteAllTextAsync(Environment["GITHUB_EVENT_PATH"]!, Event.ToJsonString(), CancellationToken.None);
        foreach (var file in (string[])[Environment["GITHUB_OUTPUT"]!, Environment["GITHUB_STEP_SUMMARY"]!, ReportPath, SarifPath])
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var writerOut = TextWriter.Synchronized(stdout);
        var writerErr = TextWriter.Synchronized(stderr);
        var started = System.Diagnostics.Stopwatch.StartNew();
        int exit;
        try
        {
            exit = await new ActionRun(Environment, writerOut, writerErr, new AcceleratedTimeProvider(speed)).RunAsync(cancellationToken);
        }
        catch (InvalidInputException e)
        {
            await writerErr.WriteLineAsync($"reviewbot: error: {e.Message}");
            exit = ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await writerErr.WriteLineAsync("reviewbot: cancelled");
            exit = ExitCodes.Failed;
        }

        var summaryPath = Environment["GITHUB_STEP_SUMMARY"]!;
        return new ActionRunResult(
            exit,
            stdout.ToString(),
            stderr.ToString(),
            File.Exists(summaryPath) ? await File.ReadAllTextAsync(summaryPath, CancellationToken.None) : "",
            ReadOutputs(Environment["GITHUB_OUTPUT"]!),
            File.Exists(ReportPath) ? JsonNode.Parse(await File.ReadAllTextAsync(ReportPath, CancellationToken.None))!.AsObject() : null,
            File.Exists(SarifPath) ? await File.ReadAllTextAsync(SarifPath, CancellationToken.None) : null,
            started.Elapsed);
    }

    public string ReportPath => Path.Combine(Workspace, ".reviewbot", "report.json");

    public string SarifPath => Path.Combine(Workspace, ".reviewbot", "report.sarif");

    public void Dispose()
    {
        GitHub.Dispose();
        Llm?.Dispose();
        _repo.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
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
