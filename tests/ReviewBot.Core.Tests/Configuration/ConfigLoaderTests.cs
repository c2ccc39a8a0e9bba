using System.Diagnostics;
using System.Text;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;

namespace ReviewBot.Core.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private const string Source = ".github/reviewbot.yml";

    private const string FullConfig = """
        # Every key the loader knows.
        fail_on: medium
        on_incomplete: pass
        on_unanalysed: warn
        max_parallel: 8
        review_drafts: true
        budget:
          tokens: 150_000
          usd: 2.5
          critical_reserve: 0.3
          usd_per_1k_prompt_tokens: 0.005
          usd_per_1k_completion_tokens: 0.015
        llm:
          provider: azure-openai
          endpoint: https://contoso.openai.azure.com/
          deployment: gpt-4o-mini
          api_version: 2024-10-21
          can_block: true
          requests_per_minute: 30
          tokens_per_minute: 60000
          max_output_tokens: 800
        paths:
          include: ["models/**", "pipelines/**/*.py"]
          exclude:
            - "**/*.md"
            - models/legacy
        limits:
          max_files: 500
          max_file_bytes: 524288
        agents:
          cost: false
          docs:
            enabled: false
          governance:
            lane: critical
            policy: required
            retry: 2
            timeout: 90s
            severity:
              pii-column-untagged: critical
            rules:
              grant-to-public: false
            paths:
              exclude: seeds/**
            prompt: Pay attention to GDPR.
            exceptions:
              - path: models/marts/finance/**
                rule: pii-column-untagged
                reason: Finance marts are masked upstream in the warehouse.
          naming:
            lane: low
            policy: best_effort
            timeout: 500ms
            reads: [diff]
            writes: naming-report
            patterns:
              - id: tmp-table
                regex: '\btmp_\w+'
                severity: low
                title: Temporary table name
                message: Rename the temporary table before merging.
        """;

    [Fact]
    public void Parse_FullConfig_ReadsEveryKey()
    {
        var config = ConfigLoader.Parse(FullConfig, Source);

        Assert.Equal((Severity.Medium, IncompleteOutcome.Pass, 8, true), (config.FailOn, config.OnIncomplete, config.MaxParallel, config.ReviewDrafts));
        Assert.Equal(UnanalysedOutcome.Warn, config.OnUnanalysed);
        Assert.Equal((150_000, 2.5m, 0.3, 0.005m, 0.015m), (config.Budget.Tokens, config.Budget.Usd, config.Budget.CriticalReserve, config.Budget.UsdPer1kPromptTokens, config.Budget.UsdPer1kCompletionTokens));
        Assert.Equal(LlmProvider.AzureOpenAI, config.Llm.Provider);
        Assert.Equal(("https://contoso.openai.azure.com/", "gpt-4o-mini", "2024-10-21", true), (config.Llm.Endpoint, config.Llm.Deployment, config.Llm.ApiVersion, config.Llm.CanBlock));
        Assert.Equal((30, 60_000, 800), (config.Llm.RequestsPerMinute, config.Llm.TokensPerMinute, config.Llm.MaxOutputTokens));
        Assert.Equal(["models/**", "pipelines/**/*.py"], config.Paths.Include.Select(g => g.Pattern));
        Assert.True(config.Paths.Matches("models/staging/stg_orders.sql"));
        Assert.False(config.Paths.Matches("models/legacy/old.sql"));
        Assert.False(config.Paths.Matches("models/README.md"));
        Assert.False(config.Paths.Matches("seeds/countries.csv"));
        Assert.Equal((500, 524_288), (config.Limits.MaxFiles, config.Limits.MaxFileBytes));

        Assert.False(config.Agents["cost"].Enabled);
        Assert.False(config.Agents["docs"].Enabled);
        var governance = config.AgentSettings(new AgentName("governance"));
        Assert.Equal((Lane.Critical, PolicyKind.Required, 2, TimeSpan.FromSeconds(90)), (governance.Lane, governance.Policy, governance.Retry, governance.Timeout));
        Assert.Equal(Severity.Critical, governance.SeverityFor("pii-column-untagged", Severity.High));
        Assert.False(governance.IsRuleEnabled("grant-to-public"));
        Assert.True(governance.IsRuleEnabled("secret-in-code"));
        Assert.False(governance.Paths.Matches("seeds/x.csv"));
        Assert.Equal("Pay attention to GDPR.", governance.Prompt);
        var exception = Assert.Single(governance.Exceptions);
        Assert.Same(exception, governance.ExceptionFor("pii-column-untagged", "models/marts/finance/revenue.sql"));
        Assert.Null(governance.ExceptionFor("pii-column-untagged", "models/marts/sales/revenue.sql"));
        Assert.Null(governance.ExceptionFor("grant-to-public", "models/marts/finance/revenue.sql"));

        var naming = config.Agents["naming"];
        Assert.Equal((Lane.Low, PolicyKind.BestEffort, TimeSpan.FromMilliseconds(500)), (naming.Lane, naming.Policy, naming.Timeout));
        Assert.Equal(["diff"], naming.Reads);
        Assert.Equal(["naming-report"], naming.Writes);
        var pattern = Assert.Single(naming.Patterns);
        Assert.Equal(("tmp-table", Severity.Low, "Temporary table name", "Rename the temporary table before merging."), (pattern.Id, pattern.Severity, pattern.Title, pattern.Message));
        Assert.Matches(pattern.Regex, "create table tmp_orders as");
        Assert.DoesNotMatch(pattern.Regex, "create table orders_tmp as");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void Parse_EmptyFile_ReturnsDefaults(string yaml)
    {
        var config = ConfigLoader.Parse(yaml, Source);

        Assert.Equal(Severity.High, config.FailOn);
        Assert.Equal(IncompleteOutcome.Fail, config.OnIncomplete);
        Assert.Equal(UnanalysedOutcome.Fail, config.OnUnanalysed);
        Assert.Equal(4, config.MaxParallel);
        Assert.Empty(config.Agents);
        Assert.Equal(LlmProvider.None, config.Llm.Provider);
    }

    [Fact]
    public void Parse_UnknownTopLevelKey_NamesKeyLineAndKnownKeys()
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse("fail_on: high\nfial_on: low\n", Source));

        Assert.StartsWith(".github/reviewbot.yml:2: fial_on: unknown key 'fial_on' (known here: fail_on,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownNestedKeyWithBlockValue_ReportsTheKeyLine()
    {
        const string yaml = "agents:\n  governance:\n    lanes:\n      - critical\n";

        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.StartsWith(".github/reviewbot.yml:3: agents.governance.lanes: unknown key 'lanes'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_parallel: many\n", 1, "max_parallel: expected a whole number, found 'many'")]
    [InlineData("max_parallel: 0\n", 1, "max_parallel: 0 is out of range (1..64)")]
    [InlineData("review_drafts: maybe\n", 1, "review_drafts: expected true or false, found 'maybe'")]
    [InlineData("budget: 100\n", 1, "budget: expected a mapping (key: value), found '100'")]
    [InlineData("budget:\n  tokens: [1, 2]\n", 2, "budget.tokens: expected a whole number, found a list")]
    [InlineData("budget:\n  critical_reserve: 1.5\n", 2, "budget.critical_reserve: 1.5 is out of range (0..1)")]
    [InlineData("llm:\n  endpoint: ftp://x\n", 2, "llm.endpoint: 'ftp://x' is not an http(s) URL")]
    [InlineData("llm:\n  provider: bard\n", 2, "llm.provider: 'bard' is not one of none, azure-openai, openai-compatible")]
    [InlineData("agents:\n  quality:\n    timeout: soon\n", 3, "agents.quality.timeout: expected a duration like 90s, 2m or 500ms, found 'soon'")]
    [InlineData("agents:\n  quality:\n    timeout: 2h\n", 3, "agents.quality.timeout: expected a duration like 90s, 2m or 500ms, found '2h'")]
    [InlineData("agents:\n  quality:\n    lane: urgent\n", 3, "agents.quality.lane: 'urgent' is not one of critical, high, normal, low")]
    [InlineData("agents:\n  Bad_Name: {}\n", 2, "agents.Bad_Name: 'Bad_Name' is not a valid agent name (lower-case letters, digits and dashes)")]
    [InlineData("paths:\n  include: {a: b}\n", 2, "paths.include: expected a list, found a mapping")]
    public void Parse_WrongType_NamesKeyAndLine(string yaml, int line, string message)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.Equal($"{Source}:{line}: {message}", e.Message);
    }

    [Theory]
    [InlineData("fail_on: severe\n", 1, "fail_on")]
    [InlineData("fail_on: 3\n", 1, "fail_on")]
    [InlineData("agents:\n  governance:\n    severity:\n      pii-column-untagged: extreme\n", 4, "agents.governance.severity.pii-column-untagged")]
    [InlineData("agents:\n  naming:\n    patterns:\n      - id: x\n        regex: y\n        severity: big\n", 6, "agents.naming.patterns[0].severity")]
    public void Parse_BadSeverity_NamesKeyLineAndTheAllowedValues(string yaml, int line, string key)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.StartsWith($"{Source}:{line}: {key}: '", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("is not a severity (critical, high, medium, low, info)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fail_on: high\nmax_parallel: 2\nfail_on: low\n", 3, "fail_on")]
    [InlineData("agents:\n  cost:\n    lane: low\n    lane: high\n", 4, "agents.cost.lane")]
    public void Parse_DuplicateKey_NamesKeyAndLine(string yaml, int line, string key)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.StartsWith($"{Source}:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(key.Split('.')[^1], e.Message, StringComparison.Ordinal);
        Assert.Contains("duplicate key", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("fail_on: [high\n")]
    [InlineData("key: 'unterminated\n")]
    [InlineData("a: b: c\n")]
    [InlineData("a:\n\t- tab indented\n")]
    [InlineData("a:\n  - b\n c: d\n")]
    [InlineData("{{{{")]
    public void Parse_NotYaml_ThrowsNotValidYamlWithLine(string yaml)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.Matches(@"^\.github/reviewbot\.yml:\d+: not valid YAML: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("- a\n- b\n", "expected a mapping (key: value), found a list")]
    [InlineData("just text\n", "expected a mapping (key: value), found 'just text'")]
    public void Parse_RootNotAMapping_SaysWhatWasFound(string yaml, string message)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.Equal($"{Source}:1: top level: {message}", e.Message);
    }

    [Fact]
    public void Parse_AliasBomb_IsRefusedQuickly()
    {
        var yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 20; i++)
        {
            yaml.Append($"a{i}: &a{i} [");
            yaml.AppendJoin(", ", Enumerable.Repeat($"*a{i - 1}", 10));
            yaml.Append("]\n");
        }

        yaml.Append("agents:\n  bomb:\n    reads: *a19\n");

        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml.ToString(), Source));
        watch.Stop();

        Assert.StartsWith($"{Source}", e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Parse_AliasBombUnderAKnownKey_IsRefusedQuickly()
    {
        var yaml = new StringBuilder("agents:\n  bomb:\n    rules: &r0\n      a: true\n");
        var body = new StringBuilder();
        for (var i = 1; i < 25; i++)
        {
            body.Append($"x{i}: &r{i} {{k1: *r{i - 1}, k2: *r{i - 1}, k3: *r{i - 1}}}\n");
        }

        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(body.ToString() + yaml + "    severity: *r24\n", Source));
        watch.Stop();

        Assert.StartsWith(Source, e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Parse_DeeplyNestedFlowCollections_ThrowsInsteadOfOverflowingTheStack()
    {
        var yaml = "fail_on: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.StartsWith(Source + ":1: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedBlockSequences_ThrowsInsteadOfOverflowingTheStack()
    {
        var yaml = "paths:\n  include:\n    " + string.Concat(Enumerable.Repeat("- ", 50_000)) + "x\n";

        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.StartsWith(Source + ":", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooLarge_IsRefused()
    {
        var yaml = "# " + new string('x', 300 * 1024) + "\n";

        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.StartsWith($"{Source}: config is ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ApiKeyInConfig_IsRefusedWithoutEchoingIt()
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse("llm:\n  api_key: sk-live-123456\n", Source));

        Assert.DoesNotContain("sk-live-123456", e.Message, StringComparison.Ordinal);
        Assert.Contains("secrets never live in the config file", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("agents:\n  x:\n    exceptions:\n      - path: a/**\n", 4, "agents.x.exceptions[0].reason: required")]
    [InlineData("agents:\n  x:\n    exceptions:\n      - reason: because\n", 4, "agents.x.exceptions[0].path: required")]
    [InlineData("agents:\n  x:\n    patterns:\n      - id: p\n", 4, "agents.x.patterns[0]: a pattern needs 'id' and 'regex'")]
    public void Parse_IncompleteListItems_NamesTheItem(string yaml, int line, string message)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.StartsWith($"{Source}:{line}: {message}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidRegex_NamesThePatternAndLine()
    {
        const string yaml = "agents:\n  x:\n    patterns:\n      - id: p\n        regex: '(unclosed'\n";

        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.StartsWith($"{Source}:5: agents.x.patterns[0].regex: not a valid regular expression", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("Yes", true)]
    [InlineData("ON", true)]
    [InlineData("False", false)]
    [InlineData("no", false)]
    [InlineData("off", false)]
    public void Parse_YamlBooleans_AcceptedForFlagsAndAgentShorthand(string text, bool expected)
    {
        var config = ConfigLoader.Parse($"review_drafts: {text}\nagents:\n  cost: {text}\n", Source);

        Assert.Equal(expected, config.ReviewDrafts);
        Assert.Equal(expected, config.Agents["cost"].Enabled);
    }

    [Fact]
    public void Parse_MultiLineValueInError_StaysOneLine()
    {
        var yaml = "max_parallel: |\n  line one\n  line two\n  " + new string('x', 500) + "\n";

        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"{Source}:1: max_parallel: expected a whole number, found 'line one\\nline two\\nxxx", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 200, e.Message);
    }

    [Theory]
    [InlineData("fail_on: low\n---\nfail_on: high\n", 3)]
    [InlineData("---\n---\nfail_on: high\n", 3)]
    public void Parse_SeveralDocuments_AreRefusedNotSilentlyIgnored(string yaml, int line)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source));

        Assert.Equal($"{Source}:{line}: more than one YAML document ('---'); the config is one document", e.Message);
    }

    // The published schema lists severities in lower case; the loader accepts exactly those (issue 18).
    [Theory]
    [InlineData("fail_on: info\n", Severity.Info)]
    [InlineData("fail_on: 'low'\n", Severity.Low)]
    public void Parse_SeverityText_LowerCase(string yaml, Severity expected) =>
        Assert.Equal(expected, ConfigLoader.Parse(yaml, Source).FailOn);

    [Theory]
    [InlineData("fail_on: CRITICAL\n")]
    [InlineData("fail_on: ' low '\n")]
    public void Parse_SeverityText_OtherCaseOrSpaces_RefusedAsTheSchemaDoes(string yaml) =>
        Assert.Contains("is not a severity", Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, Source)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("250ms", 250)]
    [InlineData("45", 45_000)]
    public void Parse_Durations_AcceptSecondsMinutesAndMilliseconds(string text, int milliseconds)
    {
        var config = ConfigLoader.Parse($"agents:\n  quality:\n    timeout: {text}\n", Source);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), config.Agents["quality"].Timeout);
    }

    [Theory]
    [InlineData("0s")]
    [InlineData("61m")]
    public void Parse_DurationOutOfRange_Throws(string text)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse($"agents:\n  quality:\n    timeout: {text}\n", Source));

        Assert.Contains("is out of range", e.Message, StringComparison.Ordinal);
    }
}
