using ReviewBot.Core;

namespace ReviewBot.Orchestration.Timeouts;

/// <summary>When an agent's timeout budget raises a warning and an alert. The cancel point is always 100%.</summary>
public sealed class TimeoutOptions
{
    /// <summary>Share of the budget after which a warning is recorded. Default 0.5.</summary>
    public double WarnAt { get; set; } = 0.5;

    /// <summary>Share of the budget after which an alert is raised (observer and timeline). Default 0.8.</summary>
    public double AlertAt { get; set; } = 0.8;

    internal void Validate()
    {
        if (!(WarnAt > 0 && WarnAt < AlertAt && AlertAt < 1))
        {
            throw new InvalidInputException($"Timeout thresholds must satisfy 0 < warn ({WarnAt}) < alert ({AlertAt}) < 1.");
        }
    }
}
