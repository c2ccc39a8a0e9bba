using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReviewBot.App.Tests.Queue;
using ReviewBot.TestUtils.GitHub;
using ReviewBot.TestUtils.Llm;
using Xunit.Abstractions;

namespace ReviewBot.App.Tests.Replicas;

/// <summary>
/// Two real App processes on one PostgreSQL review two pull requests at once against one fake Azure OpenAI
/// deployment with a tokens-per-minute limit: what the fake received, by its own timestamps, stays within the
/// deployment's one token bucket, although each replica alone could have sent its whole burst at once.
/// </summary>
public sealed class SharedLlmLimitTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    // 12,000 tokens a minute: 200 a second, a 10 s burst of 2,000 tokens (ReviewBot's bucket holds the burst window's
    // worth). A call here is about 700 tokens (prompts and schema), below what a lane may take at once (80% of the burst).
    private const int TokensPerMinute = 12_000;
    private const double PerSecond = TokensPerMinute / 60.0;
    private const double Burst = PerSecond * 10;
    private const int MaxOutputTokens = 60;
    private readonly FakeGitHub _github = new() { AnyPullRequestNumber = true };
    private readonly List<AppProcess> _apps = [];
    private TestDatabase? _database;

    public async Task InitializeAsync()
    {
        _github.AddFile("models/orders.sql", "added", "@@ -0,0 +1,2 @@\n+select id, email\n+from raw.orders");
        _github.AddFile("pipelines/load.py", "added", "@@ -0,0 +1,1 @@\n+print('load')");
        _github.Trees[_github.BaseSha] = new()
        {
            ["README.md"] = "# shop\n",
            [".github/reviewbot.yml"] = $"llm:\n  provider: azure-openai\n  deployment: gpt-tpm\n  tokens_per_minute: {TokensPerMinute}\n  requests_per_minute: 600\n  max_output_tokens: {MaxOutputTokens}\n",
        };
        _github.Trees[_github.HeadSha] = new(_github.Trees[_github.BaseSha])
        {
            ["models/orders.sql"] = "select id, email\nfrom raw.orders\n",
            ["pipelines/load.py"] = "print('load')\n",
        };
        if (TestPostgres.Enabled)
        {
            _database = await TestDatabase.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _github.Dispose();
    }

    [PostgresFact]
    public async Task TwoReplicasTwoReviewsAtOnce_OneDeploymentWithATokensPerMinuteLimit_WhatTheFakeReceivedStaysWithinIt()
    {
        using var llm = ChatCompletionsStub.StartAzure("gpt-tpm");
        llm.Answer("{\"findings\":[]}", promptTokens: 10, completionTokens: 5);
        var extra = new Dictionary<string, string?> { ["AZURE_OPENAI_ENDPOINT"] = llm.Endpoint, ["AZURE_OPENAI_API_KEY"] = "test-key", ["AZURE_OPENAI_DEPLOYMENT"] = "gpt-tpm" };
        var a = await StartAsync("a", extra);
        var b = await StartAsync("b", extra);

        using var first = await a.SendAsync("pull_request", Opened(2), "tpm-2");
        using var second = await b.SendAsync("pull_request", Opened(3), "tpm-3");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        await WaitUntilAsync(async () => await _database!.CountAsync("select count(*) from reviewbot.reviews where state = 'succeeded'") == 2, "both reviews finished");

        var calls = llm.Server.LogEntries
            .Where(e => e.RequestMessage?.Path == llm.ChatPath)
            .Select(e => (At: e.RequestMessage!.DateTime, Tokens: Charged(e.RequestMessage.Body ?? "")))
            .OrderBy(c => c.At)
            .ToList();
        var total = calls.Sum(c => c.Tokens);
        output.WriteLine($"{calls.Count} calls, {total} tokens over {(calls[^1].At - calls[0].At).TotalSeconds:0.0} s: " + string.Join(", ", calls.Select(c => $"{(c.At - calls[0].At).TotalSeconds:0.00}s:{c.Tokens}")));

        // Both replicas reviewed, so the deployment was asked for more than one burst: without the shared bucket each
        // replica would have sent its own burst at once.
        Assert.True(_apps.All(app => app.Count(l => l.Contains("Review finished", StringComparison.Ordinal)) == 1), "each replica ran one review");
        Assert.True(total > 2 * Burst, $"the reviews asked for {total} tokens, more than two bursts ({2 * Burst})");

        // A token bucket's promise: over any stretch of T seconds at most one burst plus T seconds of refill, in
        // particular at most TPM + burst a minute. A 1.5 s margin covers the fake's arrival times against the grant
        // times on the database clock (a request delayed on a loaded machine shortens the stretch it is seen in);
        // without the shared bucket the two replicas sent 2,817 tokens in 0.79 s here, beyond even that margin.
        for (var i = 0; i < calls.Count; i++)
        {
            for (var j = i; j < calls.Count; j++)
            {
                var seconds = (calls[j].At - calls[i].At).TotalSeconds;
                var sent = calls.Skip(i).Take(j - i + 1).Sum(c => c.Tokens);
                Assert.True(sent <= Burst + (PerSecond * (seconds + 1.5)), $"{sent} tokens sent in {seconds:0.00} s (calls {i}..{j}): over the shared limit of {Burst} + {PerSecond}/s");
            }
        }
    }

    /// <summary>What the deployment counts against its quota for one request: the prompt (about four characters a token) plus the output it may produce.</summary>
    private static int Charged(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var output = root.TryGetProperty("max_completion_tokens", out var completion) ? completion.GetInt32()
            : root.TryGetProperty("max_tokens", out var max) ? max.GetInt32() : 0;
        return ChatCompletionsStub.EstimatePromptTokens(body) + output;
    }

    private byte[] Opened(int number)
    {
        var payload = JsonNode.Parse(Fixtures.Bytes("pull_request/opened.payload.json"))!;
        payload["pull_request"]!["number"] = number;
        payload["number"] = number;
        return Encoding.UTF8.GetBytes(payload.ToJsonString());
    }

    private async Task<AppProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> extra)
    {
        var env = TestServer.Environment(_github.ApiUrl);
        env["REVIEWBOT_POSTGRES"] = _database!.ConnectionString;
        env["REVIEWBOT_POLL_MILLISECONDS"] = "100";
        // One worker each: the replica busy with one review leaves the other pull request to the other replica.
        env["REVIEWBOT_WORKERS"] = "1";
        foreach (var (key, value) in extra)
        {
            env[key] = value;
        }

        var app = await AppProcess.StartAsync(name, env);
        _apps.Add(app);
        return app;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(started) > Wait)
            {
                throw new TimeoutException($"Not reached within {Wait}: {what}.");
            }

            await Task.Delay(100);
        }
    }
}
