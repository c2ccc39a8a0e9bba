namespace ReviewBot.Core;

/// <summary>
/// Bad usage, bad config or bad input. Hosts print the message as one line and exit with code 2,
/// so the message must name the file (or option) and the problem.
/// </summary>
public sealed class InvalidInputException : Exception
{
    public InvalidInputException(string message)
        : base(message)
    {
    }

    public InvalidInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
