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
    public void Dockerfile_MultiStagePinnedByDigestSelfContainedOnRuntimeDepsEntrypointIsTheAction()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var lines = dockerfile.Split('\n');

        // Every base image pinned by digest, with the tag it stands for named in the comment just above.
        var froms = lines.Select((l, i) => (Line: l, Index: i)).Where(l => l.Line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, froms.Count);
        foreach (var (line, index) in froms)
        {
            var image = Regex.Match(line, @"(mcr\.microsoft\.com/dotnet/[a-z-]+):([0-9.]+)@sha256:[0-9a-f]{64}\b");
            Assert.True(image.Success, line);
            Assert.StartsWith($"# {image.Groups[1].Value}:{image.Groups[2].Value} ", lines[index - 1], StringComparison.Ordinal);
        }

        Assert.Contains("runtime-deps:", froms[1].Line, StringComparison.Ordinal);
        // The image publishes with the script the end-to-end tests run (see PublishedCli), for the target's architecture.
        Assert.Contains("bash action/publish.sh /app $rid", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM --platform=$BUILDPLATFORM", dockerfile, StringComparison.Ordinal);
        var publish = File.ReadAllText(Path.Combine(Root, "action", "publish.sh"));
        Assert.Contains("src/ReviewBot.Cli/ReviewBot.Cli.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("--self-contained true", publish, StringComparison.Ordinal);
        Assert.Contains("-p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true", publish, StringComparison.Ordinal);

        // Trimmed only where assemblies say they may be (ours and Octokit/YamlDotNet are reflected over), with
        // reflection-based System.Text.Json left on for the report: docs/releasing.md has the measurement.
        Assert.Contains("-p:PublishTrimmed=true -p:TrimMode=partial -p:JsonSerializerIsReflectionEnabledByDefault=true", publish, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"/app/reviewbot\", \"action\"]", dockerfile, StringComparison.Ordinal);
        Assert.Contains("install -y --no-install-recommends git", dockerfile, StringComparison.Ordinal);
        // GitHub runs Docker actions as root; a USER would lose access to GITHUB_WORKSPACE (see the comment there).
        Assert.DoesNotContain(lines, l => l.StartsWith("USER ", StringComparison.Ordinal));
    }

    [Fact]
    public void ReleaseWorkflow_VersionTagLeastPermissionsPinnedActionsBothArchitectures()
    {
        var relative = ".github/workflows/release.yml";
        var workflow = Yaml(relative);

        var tags = ((YamlSequenceNode)Map(Map(workflow, "on"), "push")["tags"]).Select(t => ((YamlScalarNode)t).Value).ToList();
        Assert.Equal("v[0-9]+.[0-9]+.[0-9]+", Assert.Single(tags));
        Assert.Empty(Map(workflow, "permissions").Children);
        var job = Map(Map(workflow, "jobs"), "release");
        var permissions = Map(job, "permissions").Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value);
        Assert.Equal(new Dictionary<string, string?> { ["contents"] = "write", ["packages"] = "write", ["id-token"] = "write", ["attestations"] = "write" }, permissions);
        var text = File.ReadAllText(Path.Combine(Root, relative));
        var uses = text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')).Select(l => Regex.Match(l, @"uses:\s*(\S+)")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(uses, u => u.StartsWith("docker/build-push-action@", StringComparison.Ordinal));
        Assert.Contains(uses, u => u.StartsWith("actions/attest@", StringComparison.Ordinal));
        Assert.All(uses, u => Assert.Matches("@[0-9a-f]{40}$", u));
        Assert.Contains("platforms: linux/amd64,linux/arm64", text, StringComparison.Ordinal);
        Assert.Contains("sbom: true", text, StringComparison.Ordinal);
        Assert.Contains("provenance: mode=max", text, StringComparison.Ordinal);
        Assert.Contains("type=semver,pattern={{version}}", text, StringComparison.Ordinal);
        Assert.Contains("type=semver,pattern={{major}}.{{minor}}", text, StringComparison.Ordinal);
        Assert.Contains("type=semver,pattern={{major}}", text, StringComparison.Ordinal);
        Assert.Contains("bash action/release-action-yml.sh action.yml \"docker://$IMAGE:$VERSION\"", text, StringComparison.Ordinal);
        Assert.Contains("bash action/publish.sh \"$RUNNER_TEMP/publish-arm64\" linux-arm64", text, StringComparison.Ordinal);
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
