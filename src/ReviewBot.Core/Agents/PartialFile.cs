namespace ReviewBot.Core.Agents;

/// <summary>
/// A file an agent analysed only in part: what it could not follow (<paramref name="Reason"/>) and the names it
/// could not resolve (an unknown macro such as <c>dbt_utils.pivot</c>, an opaque relation). Shown, never blocking.
/// </summary>
public sealed record PartialFile(string File, string Reason, IReadOnlyList<string> Unresolved);
