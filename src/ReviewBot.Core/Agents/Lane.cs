namespace ReviewBot.Core.Agents;

/// <summary>
/// Priority lane. Whenever parallel slots, LLM rate or budget are scarce, a higher lane is served
/// first; the numeric value is the priority rank (0 is served first).
/// </summary>
public enum Lane
{
    Critical = 0,
    High = 1,
    Normal = 2,
    Low = 3,
}
