using System.Text.Json;
using System.Text.Json.Serialization;

namespace ReviewBot.Core.Agents;

/// <summary>The name of an agent: lower-case letters, digits and dashes (e.g. <c>governance</c>).</summary>
[JsonConverter(typeof(AgentNameJsonConverter))]
public readonly record struct AgentName
{
    public AgentName(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException($"'{value}' is not a valid agent name: use lower-case letters, digits and dashes.", nameof(value));
        }

        Value = value;
    }

    public string Value { get; }

    public static AgentName Governance { get; } = new("governance");

    public static AgentName Quality { get; } = new("quality");

    public static AgentName Lineage { get; } = new("lineage");

    public static AgentName Cost { get; } = new("cost");

    public static AgentName Docs { get; } = new("docs");

    /// <summary>The five built-in agents, in lane order.</summary>
    public static IReadOnlyList<AgentName> BuiltIn { get; } = [Governance, Quality, Lineage, Cost, Docs];

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 64 && value[0] is >= 'a' and <= 'z'
        && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    public override string ToString() => Value;

    private sealed class AgentNameJsonConverter : JsonConverter<AgentName>
    {
        public override AgentName Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? "");

        public override void Write(Utf8JsonWriter writer, AgentName value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Value);
    }
}
