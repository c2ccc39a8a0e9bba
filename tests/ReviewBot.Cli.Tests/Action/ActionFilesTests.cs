using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.TestUtils.GitHub;
using YamlDotNet.RepresentationModel;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>The files users copy or GitHub runs: action.yml, Dockerfile, the workflows, the starter config and its schema.</summary>
public sealed class ActionFilesTests
{
    private static string Root => WebhookFixtures.RepositoryRoot;

    private static YamlMappingNode Yaml(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Root, relative))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node)[key];

    private static IEnumerable<string> Keys(YamlMappingNode node) => node.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    [Fact]
    public void ActionYml_DockerWithSnakeCaseInputsAndOutputs()
    {
        var action = Yaml("action.yml");

        Assert.Equal("docker", ((YamlScalarNode)Map(action, "runs")["using"]).Value);
        Assert.Equal("Dockerfile", ((YamlScalarNode)Map(action, "runs")["image"]).Value);
        var inputs = Keys(Map(action, "inputs")).ToList();
        Assert.Subset(inputs.ToHashSet(), new HashSet<string>
        {
            "github_token", "pr_number", "config", "fail_on", "azure_openai_endpoint", "azure_openai_deployment", "azure_openai_api_key", "max_tokens", "sarif",
        });
        Assert.All(inputs, i => Assert.Matches("^[a-z]+(_[a-z]+)*$", i));
        Assert.Equal("${{ github.token }}", ((YamlScalarNode)Map(Map(action, "inputs"), "github_token")["default"]).Value);
        Assert.Subset(Keys(Map(action, "outputs")).ToHashSet(), new HashSet<string> { "conclusion", "findings", "report" });
    }

    [Fact]
    public void Dockerfile_MultiStageReadyToRunEntrypointIsTheAction()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

        Assert.Equal(2, Regex.Count(dockerfile, @"^FROM ", RegexOptions.Multiline));
        Assert.Contains("src/ReviewBot.Cli/ReviewBot.Cli.csproj", dockerfile, StringComparison.Ordinal);
        Assert.Contains("-p:PublishReadyToRun=true", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/app/reviewbot\", \"action\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("git", dockerfile, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("action/workflow.yml")]
    [InlineData(".github/workflows/reviewbot.yml")]
    public void Workflow_TriggersConcurrencyLeastPermissionsPinnedActions(string relative)
    {
        var workflow = Yaml(relative);

        var on = Map(workflow, "on");
        var types = ((YamlSequenceNode)Map(on, "pull_request")["types"]).Select(t => ((YamlScalarNode)t).Value).ToHashSet();
        Assert.Equal(new HashSet<string?> { "opened", "synchronize", "reopened", "ready_for_review" }, types);
        Assert.Contains("pr_number", Keys(Map(Map(on, "workflow_dispatch"), "inputs")));
        var concurrency = Map(workflow, "concurrency");
        Assert.Equal("true", ((YamlScalarNode)concurrency["cancel-in-progress"]).Value);
        Assert.Contains("pull_request.number", ((YamlScalarNode)concurrency["group"]).Value, StringComparison.Ordinal);
        var permissions = Map(workflow, "permissions").Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value);
        Assert.Equal(new Dictionary<string, string?> { ["contents"] = "read", ["pull-requests"] = "write", ["checks"] = "write" }, permissions);
        var uses = File.ReadAllLines(Path.Combine(Root, relative))
            .Where(l => !l.TrimStart().StartsWith('#'))
            .Select(l => Regex.Match(l, @"uses:\s*(\S+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(uses);
        Assert.All(
            uses.Where(u => u != "./" && !u.StartsWith("OWNER/", StringComparison.Ordinal)),
            u => Assert.Matches("@[0-9a-f]{40}$", u));
    }

    [Fact]
    public void StarterConfig_ParsesAndIsNotTheDefaultPathsOnly()
    {
        var config = ConfigLoader.Parse(File.ReadAllText(Path.Combine(Root, "action", "reviewbot.yml")), "action/reviewbot.yml");

        Assert.Equal(ReviewConfig.Default.FailOn, config.FailOn);
        Assert.Contains("migrations-guard", config.Agents.Keys);
        Assert.Single(config.Agents["migrations-guard"].Patterns);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("budget", "budget:\n  {0}: 1\n")]
    [InlineData("llm", "llm:\n  {0}: 1\n")]
    [InlineData("limits", "limits:\n  {0}: 1\n")]
    [InlineData("paths", "paths:\n  {0}: 1\n")]
    [InlineData("agent", "agents:\n  x:\n    {0}: 1\n")]
    public void Schema_KnowsExactlyTheLoadersKeys(string section, string template)
    {
        var yaml = section.Length == 0 ? "zz_unknown: 1\n" : string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "zz_unknown");
        var error = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, "c.yml")).Message;
        var known = Regex.Match(error, @"known here: ([^)]*)\)").Groups[1].Value.Split(", ").ToHashSet();
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "action", "reviewbot.schema.json")))!;
        var properties = section switch
        {
            "" => schema["properties"]!,
            "paths" => schema["$defs"]!["paths"]!["properties"]!,
            "agent" => schema["$defs"]!["agent"]!["properties"]!,
            _ => schema["properties"]![section]!["properties"]!,
        };

        Assert.Equal(known, properties.AsObject().Select(p => p.Key).ToHashSet());
    }

    [Fact]
    public void StarterConfig_EveryKeyIsInTheSchema()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "action", "reviewbot.schema.json")))!;
        var config = Yaml("action/reviewbot.yml");

        foreach (var key in Keys(config))
        {
            Assert.NotNull(schema["properties"]![key]);
        }

        foreach (var (name, agent) in Map(config, "agents").Children)
        {
            foreach (var key in Keys((YamlMappingNode)agent))
            {
                Assert.True(schema["$defs"]!["agent"]!["properties"]![key] is not null, $"agents.{((YamlScalarNode)name).Value}.{key}");
            }
        }
    }
}
