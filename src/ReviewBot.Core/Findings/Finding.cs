using System.Text.Json.Serialization;
using ReviewBot.Core.Agents;

namespace ReviewBot.Core.Findings;

/// <summary>Where a finding came from: a deterministic rule (authoritative) or the LLM pass (advisory).</summary>
public enum FindingSource
{
    Rule,
    Llm,
}

/// <summary>
/// One problem in a change. <see cref="Line"/> is a head-side line number (null: the whole file).
/// <see cref="Fingerprint"/> is stable across reruns and line shifts; see <see cref="Fingerprints"/>.
/// </summary>
public sealed record Finding
{
    public required AgentName Agent { get; init; }

    public required string Rule { get; init; }

    public required Severity Severity { get; init; }

    public required string File { get; init; }

    public int? Line { get; init; }

    public int? EndLine { get; init; }

    public required string Title { get; init; }

    public required string Message { get; init; }

    public FindingSource Source { get; init; } = FindingSource.Rule;

    public string Fingerprint { get; init; } = "";

    /// <summary>The text the fingerprint is anchored on (usually the trimmed line); not serialised.</summary>
    [JsonIgnore]
    public string? Anchor { get; init; }

    /// <summary>LLM confidence from 0 to 1; null for rules. Not part of the schema-1 contract.</summary>
    [JsonIgnore]
    public double? Confidence { get; init; }
}
