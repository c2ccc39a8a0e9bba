namespace ReviewBot.Core.Findings;

/// <summary>Severity of a finding, ordered: a larger value is more severe.</summary>
public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>Parsing and display of <see cref="Severity"/> values as written in config and reports.</summary>
public static class SeverityText
{
    public static string ToText(this Severity severity) => severity.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out Severity severity)
    {
        severity = default;
        return text is not null
            && !int.TryParse(text, out _)
            && Enum.TryParse(text.Trim(), ignoreCase: true, out severity)
            && Enum.IsDefined(severity);
    }
}
