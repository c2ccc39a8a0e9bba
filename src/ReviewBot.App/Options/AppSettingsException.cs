namespace ReviewBot.App.Options;

/// <summary>The environment does not configure the App; the message names every variable at fault.</summary>
public sealed class AppSettingsException : Exception
{
    public AppSettingsException(IReadOnlyList<string> problems)
        : base("ReviewBot App cannot start: " + string.Join("; ", problems))
    {
        Problems = problems;
    }

    public AppSettingsException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public AppSettingsException(string message, Exception inner)
        : base(message, inner)
    {
        Problems = [message];
    }

    public AppSettingsException()
        : this("ReviewBot App cannot start")
    {
    }

    public IReadOnlyList<string> Problems { get; }
}
