using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.TestUtils.GitHub;
using YamlDotNet.RepresentationModel;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>
/// The published schema (<c>action/reviewbot.schema.json</c>, what editors validate against) and the loader
/// (what runs) cannot drift: cases are generated from the schema itself — every enum value, the same value in
/// another case and a foreign value; every integer bound and one past it; agent names built in, misspelt and
/// custom — and each config must be accepted by both or refused by both. A key or value added to one side only
/// fails here (the key sets themselves: <see cref="ActionFilesTests"/>).
/// </summary>
public sealed class ConfigSchemaTests
{
    private static readonly JsonNode SchemaNode = JsonNode.Parse(File.ReadAllText(Path.Combine(WebhookFixtures.RepositoryRoot, "action", "reviewbot.schema.json")))!;
    private static readonly JsonSchema Schema = JsonSchema.FromText(SchemaNode.ToJsonString());

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, yaml) in Generate(SchemaNode, [], SchemaNode))
        {
            data.Add(name, yaml);
        }

        // Agents: the names the loader knows as built-in, a misspelling, and custom agents with and without what they need.
        data.Add("agents.docs: false", "agents:\n  docs: false\n");
        data.Add("agents.dcos: false", "agents:\n  dcos: false\n");
        data.Add("agents.dcos: {enabled: false}", "agents:\n  dcos:\n    enabled: false\n");
        data.Add("agents.dcos: {lane: low}", "agents:\n  dcos:\n    lane: low\n");
        data.Add("custom agent with lane and prompt", "agents:\n  reviewers:\n    lane: low\n    prompt: Look for typos.\n");
        data.Add("custom agent with blank prompt", "agents:\n  reviewers:\n    lane: low\n    prompt: ' '\n");
        data.Add("custom agent with patterns", "agents:\n  reviewers:\n    lane: normal\n    patterns:\n      - id: todo\n        regex: TODO\n");
        data.Add("custom agent with an empty pattern list", "agents:\n  reviewers:\n    lane: normal\n    patterns: []\n");
        data.Add("custom agent without lane", "agents:\n  reviewers:\n    prompt: Look for typos.\n");
        data.Add("agent name with capitals", "agents:\n  Docs: false\n");
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SchemaAndLoader_AgreeOnEveryGeneratedConfig(string name, string yaml)
    {
        var loader = LoaderAccepts(yaml, out var loaderError);
        var result = Schema.Evaluate(JsonDocument.Parse(ToJson(yaml)?.ToJsonString() ?? "null").RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(loader == result.IsValid, $"{name}: the loader {(loader ? "accepts" : "refuses")} it ({loaderError}), the schema {(result.IsValid ? "accepts" : "refuses")} it.\n{yaml}");
    }

    [Fact]
    public void Cases_CoverEveryEnumOfTheSchema()
    {
        var enums = CountEnums(SchemaNode);
        var cases = Cases().Count(c => ((string)c[0]).Contains(" enum value ", StringComparison.Ordinal));

        Assert.True(enums >= 6, $"{enums} enums found: the walker no longer reaches them");
        Assert.True(cases >= enums, $"{cases} enum cases for {enums} enums");
    }

    private static bool LoaderAccepts(string yaml, out string? error)
    {
        try
        {
            _ = ConfigLoader.Parse(yaml, "c.yml");
            error = null;
            return true;
        }
        catch (InvalidInputException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>Walks the schema from <paramref name="node"/> (at YAML <paramref name="path"/>) and yields configs that set one value there.</summary>
    private static IEnumerable<(string Name, string Yaml)> Generate(JsonNode node, List<string> path, JsonNode root)
    {
        node = Resolve(node, root);
        if (path.Count > 6)
        {
            yield break;
        }

        var where = string.Join('.', path);
        if (node["enum"] is JsonArray values)
        {
            foreach (var value in values.Select(v => v!.GetValue<string>()))
            {
                yield return ($"{where}: enum value {value}", Nest(path, value));
                yield return ($"{where}: enum value {value} in upper case", Nest(path, value.ToUpperInvariant()));
            }

            yield return ($"{where}: foreign value", Nest(path, "bogus"));
            yield break;
        }

        if (node["type"]?.GetValue<string>() == "integer" && node["minimum"] is { } min && node["maximum"] is { } max)
        {
            var lo = min.GetValue<long>();
            var hi = max.GetValue<long>();
            yield return ($"{where}: minimum {lo}", Nest(path, lo.ToString(CultureInfo.InvariantCulture)));
            yield return ($"{where}: maximum {hi}", Nest(path, hi.ToString(CultureInfo.InvariantCulture)));
            yield return ($"{where}: below minimum", Nest(path, (lo - 1).ToString(CultureInfo.InvariantCulture)));
            yield return ($"{where}: above maximum", Nest(path, (hi + 1).ToString(CultureInfo.InvariantCulture)));
            yield break;
        }

        if (node["properties"] is JsonObject properties)
        {
            foreach (var (key, child) in properties)
            {
                foreach (var item in Generate(child!, [.. path, key], root))
                {
                    yield return item;
                }
            }

            yield return ($"{where}: unknown key", Nest([.. path, "zz_unknown"], "1"));
        }

        // A built-in agent's mapping (oneOf boolean | agent) and the per-rule severity map.
        foreach (var alternative in (node["oneOf"] as JsonArray ?? []).Where(a => Resolve(a!, root)["properties"] is not null))
        {
            foreach (var item in Generate(alternative!, path, root))
            {
                yield return item;
            }
        }

        if (node["additionalProperties"] is JsonObject additional && path.Count > 0 && path[^1] == "severity")
        {
            foreach (var item in Generate(additional, [.. path, "some-rule"], root))
            {
                yield return item;
            }
        }
    }

    private static int CountEnums(JsonNode node) => node switch
    {
        JsonObject o => (o["enum"] is not null ? 1 : 0) + o.Sum(p => p.Value is null ? 0 : CountEnums(p.Value)),
        JsonArray a => a.Sum(i => i is null ? 0 : CountEnums(i)),
        _ => 0,
    };

    private static JsonNode Resolve(JsonNode node, JsonNode root)
    {
        while (node["$ref"] is { } reference)
        {
            var target = root;
            foreach (var part in reference.GetValue<string>().TrimStart('#', '/').Split('/'))
            {
                target = target[part]!;
            }

            node = target;
        }

        return node;
    }

    private static string Nest(IReadOnlyList<string> path, string value)
    {
        var yaml = new System.Text.StringBuilder();
        for (var i = 0; i < path.Count; i++)
        {
            yaml.Append(' ', i * 2).Append(path[i]).Append(':');
            yaml.Append(i == path.Count - 1 ? $" {value}\n" : "\n");
        }

        return yaml.ToString();
    }

    /// <summary>The YAML as JSON, plain scalars typed by the YAML 1.2 core schema (as editors' YAML validators do).</summary>
    private static JsonNode? ToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode);

        static JsonNode? Convert(YamlNode node) => node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
            YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
            YamlScalarNode { Style: not YamlDotNet.Core.ScalarStyle.Plain } s => JsonValue.Create(s.Value),
            YamlScalarNode s when s.Value is null or "" or "~" or "null" => null,
            YamlScalarNode s when s.Value is "true" or "True" or "TRUE" => JsonValue.Create(true),
            YamlScalarNode s when s.Value is "false" or "False" or "FALSE" => JsonValue.Create(false),
            YamlScalarNode s when Regex.IsMatch(s.Value!, "^-?[0-9]+$") => JsonValue.Create(long.Parse(s.Value!, CultureInfo.InvariantCulture)),
            YamlScalarNode s when Regex.IsMatch(s.Value!, @"^-?[0-9]+\.[0-9]+$") => JsonValue.Create(double.Parse(s.Value!, CultureInfo.InvariantCulture)),
            YamlScalarNode s => JsonValue.Create(s.Value),
            _ => null,
        };
    }
}
